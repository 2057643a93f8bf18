/** Lets the caller wrap each SDK client it creates (the Powertools Tracer does). */
export type Instrument = <T>(client: T) => T;
export const asIs: Instrument = (client) => client;
