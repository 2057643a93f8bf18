/** Builds sweepStaleRecords' dependencies from its configuration; nothing happens at import. */
import { systemClock, type Clock } from '../../core/ports';
import type { SweepDeps, SweepSettings } from '../../core/use-cases/sweep-stale-records';
import { loadRecordSweeperConfig, type Env, type RecordSweeperConfig } from '../config';
import { telemetryFromEnvironment, traceClients, type Telemetry } from '../telemetry';
import type { AwsConnection } from './connection';
import { storageAdapters } from './storage';

export interface RecordSweeperHandlerDeps {
  sweep: SweepDeps;
  settings: SweepSettings;
  telemetry: Telemetry;
}

export const recordSweeperDeps = (
  config: RecordSweeperConfig,
  telemetry: Telemetry,
  connection: AwsConnection = {},
  clock: Clock = systemClock,
): RecordSweeperHandlerDeps => ({
  sweep: { ...storageAdapters(config, connection, traceClients(telemetry)), clock, indexShards: config.indexShards },
  settings: config.sweep,
  telemetry,
});

/** What a deployed function runs on: its configuration and Powertools from the environment, AWS's endpoints. */
export const fromEnvironment = (env: Env): RecordSweeperHandlerDeps => recordSweeperDeps(loadRecordSweeperConfig(env), telemetryFromEnvironment(env));
