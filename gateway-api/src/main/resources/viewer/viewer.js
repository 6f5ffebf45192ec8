// The key-image page (docs/viewers.md): reads one ImagingManifest from the FHIR API and shows the
// images it selects through the organization's selection-scoped DICOMweb. The bearer token comes
// from the URL fragment (#token=..., which browsers never send to a server) or from the form, and
// is sent in the Authorization header of every request; images become blob URLs, so no token ever
// sits in a URL.
'use strict';
(function () {
  const FRAME_EXTENSION = 'http://imagingmanifest.com/fhir/StructureDefinition/referenced-frame-number';
  const TITLE_EXTENSION = 'http://imagingmanifest.com/fhir/StructureDefinition/kos-document-title';
  const PARALLEL = 6;

  const m = location.pathname.match(/^(.*)\/organizations\/([^/]+)\/viewer\/ImagingManifest\/([^/]+)$/);
  const $ = (id) => document.getElementById(id);
  let token = null;
  let tiles = [];
  let shown = -1;

  function status(text, error) {
    $('status').textContent = text;
    $('status').classList.toggle('error', !!error);
  }

  function takeToken() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.get('token')) {
      token = params.get('token');
      // out of the address bar and the history: a copied link must not carry it
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  function get(url, accept) {
    return fetch(url, { headers: { Authorization: 'Bearer ' + token, Accept: accept }, cache: 'no-cache',
      credentials: 'omit' });
  }

  function uid(value) {
    return (value || '').replace(/^urn:oid:/, '');
  }

  function describe(ref) {
    if (!ref) return '';
    if (ref.display) return ref.display;
    if (ref.identifier) return [ref.identifier.system, ref.identifier.value].filter(Boolean).join(' | ');
    return ref.reference || '';
  }

  function documentTitle(manifest) {
    const x = (manifest.extension || []).find((e) => e.url === TITLE_EXTENSION);
    const c = x && x.valueCoding;
    return c ? (c.display || c.code) : 'Of Interest';
  }

  function images(manifest, dicomweb) {
    const out = [];
    for (const study of manifest.study || []) {
      for (const series of study.series || []) {
        for (const instance of series.instance || []) {
          const base = dicomweb + '/studies/' + uid(study.uid) + '/series/' + uid(series.uid) + '/instances/'
              + uid(instance.uid);
          const frames = (instance.extension || []).filter((e) => e.url === FRAME_EXTENSION)
              .map((e) => e.valuePositiveInt);
          if (frames.length === 0) {
            out.push({ url: base + '/rendered', label: uid(instance.uid) });
          } else {
            for (const f of frames) {
              out.push({ url: base + '/frames/' + f + '/rendered', label: uid(instance.uid) + ' frame ' + f });
            }
          }
        }
      }
    }
    return out;
  }

  function tile(image, index) {
    const figure = document.createElement('figure');
    figure.className = 'tile';
    figure.tabIndex = index === 0 ? 0 : -1;
    const img = document.createElement('img');
    img.alt = image.label;
    img.dataset.src = image.url;
    img.dataset.state = 'loading';
    const caption = document.createElement('figcaption');
    caption.textContent = image.label;
    figure.append(img, caption);
    figure.addEventListener('click', () => open(index));
    figure.addEventListener('focus', () => { tiles.forEach((t) => { t.tabIndex = -1; }); figure.tabIndex = 0; });
    return figure;
  }

  async function load(figure) {
    const img = figure.querySelector('img');
    const caption = figure.querySelector('figcaption');
    try {
      const r = await get(img.dataset.src, 'image/jpeg, image/png;q=0.9');
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const url = URL.createObjectURL(await r.blob());
      await new Promise((resolve, reject) => {
        img.onload = resolve;
        img.onerror = () => reject(new Error('not an image'));
        img.src = url;
      });
      img.dataset.state = 'loaded';
    } catch (e) {
      img.dataset.state = 'failed';
      caption.textContent += ' (' + e.message + ')';
    }
  }

  async function loadAll() {
    let next = 0;
    async function worker() {
      while (next < tiles.length) await load(tiles[next++]);
    }
    await Promise.all(Array.from({ length: Math.min(PARALLEL, tiles.length) }, worker));
    const failed = tiles.filter((t) => t.querySelector('img').dataset.state === 'failed').length;
    status(tiles.length + ' image' + (tiles.length === 1 ? '' : 's') + (failed ? ', ' + failed + ' failed' : ''),
        failed > 0);
    document.body.dataset.settled = 'true';
  }

  function open(index) {
    shown = (index + tiles.length) % tiles.length;
    const img = tiles[shown].querySelector('img');
    $('full-image').src = img.src;
    $('full-image').alt = img.alt;
    $('full-caption').textContent = (shown + 1) + ' / ' + tiles.length + ' · ' + img.alt;
    $('full').hidden = false;
  }

  function close() {
    $('full').hidden = true;
    if (shown >= 0) tiles[shown].focus();
    shown = -1;
  }

  function columns() {
    return getComputedStyle($('grid')).gridTemplateColumns.split(' ').length;
  }

  document.addEventListener('keydown', (e) => {
    if (!tiles.length) return;
    if (!$('full').hidden) {
      if (e.key === 'Escape') close();
      else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') open(shown + 1);
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') open(shown - 1);
      else return;
      e.preventDefault();
      return;
    }
    const at = tiles.indexOf(document.activeElement);
    if (at < 0) return;
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns(), ArrowUp: -columns() }[e.key];
    if (step !== undefined) {
      tiles[Math.max(0, Math.min(tiles.length - 1, at + step))].focus();
    } else if (e.key === 'Enter' || e.key === ' ') {
      open(at);
    } else {
      return;
    }
    e.preventDefault();
  });
  $('full').addEventListener('click', close);

  async function show() {
    const [, context, org, id] = m;
    const base = context + '/organizations/' + org;
    status('Loading the manifest…');
    const r = await get(base + '/fhir/3/ImagingManifest/' + encodeURIComponent(id), 'application/fhir+json');
    if (r.status === 401) {
      status('The token was refused (HTTP 401): give another one.', true);
      askToken();
      return;
    }
    if (!r.ok) {
      status('The manifest cannot be read (HTTP ' + r.status + ').', true);
      return;
    }
    const manifest = await r.json();
    $('title').textContent = documentTitle(manifest);
    document.title = documentTitle(manifest) + ' · ' + describe(manifest.patient);
    $('patient').textContent = describe(manifest.patient);
    $('author').textContent = describe(manifest.author);
    $('time').textContent = manifest.authoringTime || '';
    $('description').textContent = manifest.description || '';
    tiles = images(manifest, base + '/dicomweb').map(tile);
    $('grid').replaceChildren(...tiles);
    status('Loading ' + tiles.length + ' images…');
    if (tiles.length) tiles[0].focus();
    await loadAll();
  }

  function askToken() {
    $('login').hidden = false;
    $('token').focus();
  }

  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    token = $('token').value.trim();
    if (!token) return;
    $('login').hidden = true;
    show();
  });

  if (!m) {
    status('Not a key-image address: …/organizations/{org}/viewer/ImagingManifest/{id}', true);
    return;
  }
  takeToken();
  if (token) show(); else { status('A bearer token is needed to read this manifest.'); askToken(); }
})();
