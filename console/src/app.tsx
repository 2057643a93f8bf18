/** The console page: header, upload + live feed, insights (imageStats chart), gallery with filters, detail dialog, alerts. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { CONNECTION_STATE_CHANGE } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import type { Api, Image } from './api';
import type { ConsoleConfig } from './config';
import { AlertList } from './components/AlertList';
import { DetailDialog } from './components/DetailDialog';
import { FilterBar } from './components/FilterBar';
import { Gallery } from './components/Gallery';
import { Header } from './components/Header';
import { Insights } from './components/Insights';
import { LiveFeed } from './components/LiveFeed';
import { UploadZone } from './components/UploadZone';
import { useAlerts } from './hooks/use-alerts';
import { useGallery } from './hooks/use-gallery';
import { useImageStats } from './hooks/use-image-stats';
import { useUploads } from './upload/use-uploads';

const CONNECTION_WORDS: Record<string, string> = {
  Connected: 'connected',
  Connecting: 'connecting…',
  ConnectedPendingNetwork: 'connected, network offline',
  ConnectionDisrupted: 'interrupted, reconnecting…',
  ConnectionDisruptedPendingNetwork: 'interrupted, network offline',
  ConnectedPendingDisconnect: 'closing',
  Disconnected: 'off',
};

/** Amplify's real-time connection state; `onReconnected` runs when a disrupted connection comes back. */
const useConnectionState = (onReconnected: () => void) => {
  const [state, setState] = useState('idle');
  const onReconnectedRef = useRef(onReconnected);
  onReconnectedRef.current = onReconnected;
  useEffect(() => {
    let disrupted = false;
    return Hub.listen('api', ({ payload }) => {
      if (payload.event !== CONNECTION_STATE_CHANGE) return;
      const connectionState = (payload.data as { connectionState?: string } | undefined)?.connectionState;
      if (!connectionState) return;
      setState(CONNECTION_WORDS[connectionState] ?? connectionState);
      if (connectionState.startsWith('ConnectionDisrupted')) disrupted = true;
      else if (connectionState === 'Connected' && disrupted) {
        disrupted = false;
        onReconnectedRef.current();
      }
    });
  }, []);
  return state;
};

interface AppProps {
  api: Api;
  config: ConsoleConfig;
  /** Who the page acts for, with sign-out (shown in the header). */
  account?: ComponentChildren;
  /** Analysts read everyone's images but may not upload. */
  canUpload?: boolean;
}

export const App = ({ api, config, account, canUpload = true }: AppProps) => {
  const stats = useImageStats(api);
  const gallery = useGallery(api);
  const alerts = useAlerts(config.alertsUrl);
  // Results published while the socket was down reached no subscriber: read the page and the statistics again.
  const connection = useConnectionState(() => {
    gallery.reload();
    stats.refresh();
  });
  const [selected, setSelected] = useState<Image>();
  const [detailUrl, setDetailUrl] = useState<string>();

  const onLiveImage = useCallback(
    (image: Image) => {
      stats.record(image);
      gallery.addLive(image);
      setSelected((current) => (current?.id === image.id ? image : current));
    },
    [stats.record, gallery.addLive],
  );
  const uploads = useUploads(api, config.maxUploadBytes, onLiveImage);

  // Every classification, whoever uploaded it (another tab, the CLI), keeps the gallery and the insights
  // current. The per-upload watches (watch-image.ts) add the re-read that this page-wide one cannot.
  // Subscribed once; the ref lets it call the newest handler (which changes with the filter).
  const onLiveImageRef = useRef(onLiveImage);
  onLiveImageRef.current = onLiveImage;
  useEffect(() => {
    const subscription = api.onImageClassified(null, {
      next: (image) => {
        onLiveImageRef.current(image);
        uploads.applyLive(image);
      },
      // The header's connection state already tells the user; the per-upload watches report their own errors.
      error: () => undefined,
    });
    return () => subscription.unsubscribe();
  }, [api, uploads.applyLive]);

  const open = useCallback(
    (image: Image) => {
      setSelected(image);
      // The gallery holds thumbnails; the detail view shows the original, where the boxes were found.
      setDetailUrl(undefined);
      api.imageUrls([image.id]).then(
        (found) => setDetailUrl(found[0]?.url),
        () => setDetailUrl(undefined),
      );
    },
    [api],
  );

  const openById = useCallback(
    (id: string) => {
      api.image(id).then(
        (image) => image && open(image),
        () => undefined,
      );
    },
    [api, open],
  );

  return (
    <>
      <a class="skip-link" href="#gallery-title">
        Skip to gallery
      </a>
      <Header connection={connection} local={config.local} account={account} />
      <main>
        <div class="columns">
          <div>
            {canUpload ? (
              <UploadZone maxBytes={config.maxUploadBytes} onFiles={uploads.addFiles} />
            ) : (
              <p class="panel muted">Analysts see everyone's images, live; uploads are made by users.</p>
            )}
            <LiveFeed items={uploads.items} thumbnails={gallery.urls} onOpen={open} />
          </div>
          {config.alertsUrl && <AlertList alerts={alerts.alerts} error={alerts.error} onOpen={openById} />}
        </div>
        <Insights stats={stats} />
        <section aria-labelledby="gallery-title" class="panel">
          <h2 id="gallery-title" tabIndex={-1}>
            Gallery
          </h2>
          <FilterBar form={gallery.form} onChange={gallery.setForm} />
          <Gallery
            items={gallery.items}
            urls={gallery.urls}
            loading={gallery.loading}
            error={gallery.error}
            hasMore={Boolean(gallery.nextToken)}
            onLoadMore={gallery.loadMore}
            onOpen={open}
          />
        </section>
      </main>
      {selected && <DetailDialog key={selected.id} image={selected} url={detailUrl} onClose={() => setSelected(undefined)} />}
    </>
  );
};
