/**
 * The gallery: images(filter) one screenful at a time, paging on past short pages ("load more" follows
 * nextToken), thumbnails through imageUrls(ids), and live results slotted in when they match the filter shown.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { readPages } from '../../../graphql/read-pages';
import type { Api, Image, ImageFilter } from '../api';
import { EMPTY_FILTER_FORM, matchesFilter, toImageFilter, type FilterForm } from '../filters';
import { GALLERY_PAGE_SIZE } from '../gallery-page-size';

interface GalleryState {
  items: Image[];
  nextToken?: string | null;
  loading: boolean;
  error?: string;
}

export const useGallery = (api: Api) => {
  const [form, setForm] = useState<FilterForm>(EMPTY_FILTER_FORM);
  const [state, setState] = useState<GalleryState>({ items: [], loading: true });
  const [urls, setUrls] = useState<Record<string, string>>({});
  // Each load carries a generation: a slow answer for an older filter must not overwrite a newer one.
  const generation = useRef(0);
  const filter = toImageFilter(form);
  const filterKey = JSON.stringify(filter);

  // Ids whose URL was asked for: a result delivered twice (page-wide and per-upload subscriptions) is
  // presigned once. Cleared on each new filter, so a reloaded page gets fresh, unexpired URLs.
  const requested = useRef(new Set<string>());

  const fetchUrls = useCallback(
    async (images: Image[]) => {
      const ids = images
        .filter((image) => (image.status === 'COMPLETED' || image.status === 'FAILED') && !requested.current.has(image.id))
        .map((image) => image.id);
      if (ids.length === 0) return;
      for (const id of ids) requested.current.add(id);
      try {
        const thumbnails = await api.imageUrls(ids, 'THUMBNAIL');
        // Images filed before thumbnails existed have none: those show their original.
        const have = new Set(thumbnails.map((entry) => entry.id));
        const originals = await api.imageUrls(ids.filter((id) => !have.has(id)));
        const found = [...thumbnails, ...originals];
        setUrls((current) => ({ ...current, ...Object.fromEntries(found.map((entry) => [entry.id, entry.url])) }));
      } catch {
        // A missing thumbnail is shown as a placeholder; the record itself is still listed. Ask again next time.
        for (const id of ids) requested.current.delete(id);
      }
    },
    [api],
  );

  const load = useCallback(
    async (nextToken: string | null | undefined, append: boolean) => {
      const mine = ++generation.current;
      if (!append) requested.current.clear();
      setState((current) => ({ ...current, items: append ? current.items : [], loading: true, error: undefined }));
      try {
        // A page may be short, even empty, while nextToken is set (the server's read budget): page on.
        const shown = JSON.parse(filterKey) as ImageFilter;
        const page = await readPages((token, limit) => api.images(shown, limit, token), GALLERY_PAGE_SIZE, nextToken ?? null);
        if (mine !== generation.current) return;
        setState((current) => ({
          items: append ? [...current.items, ...page.items.filter((item) => !current.items.some((seen) => seen.id === item.id))] : page.items,
          nextToken: page.nextToken,
          loading: false,
        }));
        void fetchUrls(page.items);
      } catch (failure) {
        if (mine !== generation.current) return;
        setState((current) => ({ ...current, loading: false, error: failure instanceof Error ? failure.message : String(failure) }));
      }
    },
    [api, filterKey, fetchUrls],
  );

  useEffect(() => void load(null, false), [load]);

  const loadMore = useCallback(() => void load(state.nextToken, true), [load, state.nextToken]);
  /** The first page again, for when live results may have been missed (a dropped connection). */
  const reload = useCallback(() => void load(null, false), [load]);

  /** A live result: replace the card if shown, add it on top if it now matches, drop it if it no longer does. */
  const addLive = useCallback(
    (image: Image) => {
      const fits = matchesFilter(image, JSON.parse(filterKey));
      setState((current) => {
        const without = current.items.filter((item) => item.id !== image.id);
        const shown = without.length !== current.items.length;
        if (!fits) return shown ? { ...current, items: without } : current;
        // Kept newest first, as the server orders pages.
        const items = shown ? current.items.map((item) => (item.id === image.id ? image : item)) : [image, ...current.items];
        return { ...current, items: items.sort((a, b) => b.createdAt.localeCompare(a.createdAt)) };
      });
      if (fits) void fetchUrls([image]);
    },
    [filterKey, fetchUrls],
  );

  return { form, setForm, filter, ...state, urls, loadMore, reload, addLive };
};
