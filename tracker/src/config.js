// The tracker's options, read once from the data-* attributes of the <script> tag that loaded it.
// Every option is documented in the README ("Install the tracker"). Module-level bindings rather
// than an options object: the minifier can shorten variable names but not property names, and
// the core has a 2 KB (gzipped) budget.

// data-downloads replaces this list (comma-separated extensions, regex syntax allowed: docx?).
export const DOWNLOADS = 'pdf,csv,txt,docx?,xlsx?,pptx?,od[st],epub,zip,rar,7z,t?gz,dmg,exe,msi,apk,iso,mp[34],mov,avi,wav';

export let site, api, hashRouting, exclude, requireConsent, dntDrop, notFound, downloads, vitals;

// "/admin/*, /drafts/*" -> one anchored RegExp over the path; `*` matches anything.
export const globs = (list) =>
  list && new RegExp('^(' + list.replace(/\s/g, '').replace(/\./g, '\\.').replace(/,/g, '|').replace(/\*/g, '.*') + ')$');

export const readConfig = (script) => {
  const o = script.dataset;
  site = o.site;
  // The collector that served this file; data-api overrides it (e.g. a path the site proxies).
  api = o.api || new URL(script.src).origin;
  hashRouting = 'hash' in o;
  exclude = globs(o.exclude);
  requireConsent = 'requireConsent' in o;
  // data-dnt="drop": the site's policy drops DNT/GPC visitors, so do not even send their events.
  dntDrop = o.dnt == 'drop';
  notFound = '404' in o;
  downloads = new RegExp('\\.(' + (o.downloads || DOWNLOADS).replace(/,/g, '|') + ')$', 'i');
  vitals = o.vitals != 'off';
};
