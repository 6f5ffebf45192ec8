// The key-image page (docs/viewers.md): reads one ImagingManifest from the FHIR API and shows the
// images it selects through the organization's selection-scoped DICOMweb. The bearer token comes
// from the URL fragment (#token=..., which browsers never send to a server) or from the form, and
// is sent in the Authorization header of every request; images become blob URLs, so no token ever
// sits in a URL.
'use strict';
(function () {
  const SD = 'http://imagingmanifest.com/fhir/StructureDefinition/';
  const FRAME_EXTENSION = SD + 'referenced-frame-number';
  const TITLE_EXTENSION = SD + 'kos-document-title';
  const DESCRIPTION_EXTENSION = SD + 'kos-description';
  const CONTENT_TIME_EXTENSION = SD + 'content-date-time';
  // R5 instance.subset holds segment numbers for these (PS3.4 B.5 segmentation classes), frames otherwise
  const SEGMENTATION = /^urn:oid:1\.2\.840\.10008\.5\.1\.4\.1\.1\.66\.[4-8]$/;
  const PARALLEL = 6;

  // STU3 ImagingManifest or R5 ImagingSelection: the same manifests under two FHIR bases (docs/mapping.md)
  const m = location.pathname.match(
      /^(.*)\/organizations\/([^/]+)\/viewer\/(ImagingManifest|ImagingSelection)\/([^/]+)$/);
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

  function extension(resource, url) {
    return (resource.extension || []).find((e) => e.url === url);
  }

  /** The STU3 view's fields of an R5 ImagingSelection: header facts and images. */
  function fromSelection(selection, dicomweb) {
    const parts = selection.focus && selection.focus.length
      ? selection.focus.map((f) => (selection.contained || []).find((c) => '#' + c.id === f.reference)).filter(Boolean)
      : [selection];
    const out = [];
    for (const part of parts) {
      for (const instance of part.instance || []) {
        const base = dicomweb + '/studies/' + part.studyUid + '/series/' + part.seriesUid + '/instances/'
            + uid(instance.uid);
        const sopClass = instance.sopClass && instance.sopClass.code;
        const frames = SEGMENTATION.test(sopClass || '') ? [] : (instance.subset || []);
        if (frames.length === 0) {
          out.push({ url: base + '/rendered', label: uid(instance.uid) });
        } else {
          for (const f of frames) {
            out.push({ url: base + '/frames/' + f + '/rendered', label: uid(instance.uid) + ' frame ' + f });
          }
        }
      }
    }
    const code = selection.code && ((selection.code.coding || [])[0] || {});
    const time = extension(selection, CONTENT_TIME_EXTENSION);
    const description = extension(selection, DESCRIPTION_EXTENSION);
    return {
      title: code ? (code.display || code.code || selection.code.text) : 'Of Interest',
      patient: selection.subject,
      author: ((selection.performer || [])[0] || {}).actor,
      time: selection.issued || (time && time.valueDateTime) || '',
      description: description ? description.valueString : '',
      images: out,
    };
  }

  function fromManifest(manifest, dicomweb) {
    return {
      title: documentTitle(manifest),
      patient: manifest.patient,
      author: manifest.author,
      time: manifest.authoringTime || '',
      description: manifest.description || '',
      images: images(manifest, dicomweb),
    };
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
    const [, context, org, type, id] = m;
    const base = context + '/organizations/' + org;
    const r5 = type === 'ImagingSelection';
    status('Loading the ' + (r5 ? 'selection' : 'manifest') + '…');
    const r = await get(base + (r5 ? '/fhir/5/' : '/fhir/3/') + type + '/' + encodeURIComponent(id),
        'application/fhir+json');
    if (r.status === 401) {
      status('The token was refused (HTTP 401): give another one.', true);
      askToken();
      return;
    }
    if (!r.ok) {
      status('The ' + (r5 ? 'selection' : 'manifest') + ' cannot be read (HTTP ' + r.status + ').', true);
      return;
    }
    const resource = await r.json();
    const view = r5 ? fromSelection(resource, base + '/dicomweb') : fromManifest(resource, base + '/dicomweb');
    $('title').textContent = view.title;
    document.title = view.title + ' · ' + describe(view.patient);
    $('patient').textContent = describe(view.patient);
    $('author').textContent = describe(view.author);
    $('time').textContent = view.time;
    $('description').textContent = view.description;
    tiles = view.images.map(tile);
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
    status('Not a key-image address: …/organizations/{org}/viewer/ImagingManifest/{id}'
        + ' (or …/viewer/ImagingSelection/{id})', true);
    return;
  }
  takeToken();
  if (token) show(); else { status('A bearer token is needed to read this manifest.'); askToken(); }
})();
