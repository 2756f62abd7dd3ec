// The capture view. Plain JavaScript, nothing loaded from elsewhere. Every string that came in a message is set with
// textContent, never parsed as markup, and the HTML body is shown only in a sandboxed iframe without scripts.
'use strict';

const API = '/api/v1';
const PAGE = 50;
// The source tab shows at most this much of a message (which may be tens of MiB): the rest is a download.
const SOURCE_LIMIT = 1024 * 1024;
const state = { offset: 0, total: 0, selected: null, tab: 'html' };
const $ = id => document.getElementById(id);

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, options);
  const type = response.headers.get('Content-Type') || '';
  const data = type.startsWith('application/json') ? await response.json() : await response.text();
  if (!response.ok) throw new Error((data && data.error) || response.status + '');
  return data;
}

function size(octets) {
  if (octets < 1024) return octets + ' B';
  if (octets < 1024 * 1024) return (octets / 1024).toFixed(1) + ' KiB';
  return (octets / 1024 / 1024).toFixed(1) + ' MiB';
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function instant(local) {
  return local ? new Date(local).toISOString() : '';
}

function filters() {
  const values = {
    text: $('q').value.trim(), mailbox: $('mailbox').value, from: $('f-from').value.trim(),
    to: $('f-to').value.trim(), subject: $('f-subject').value.trim(), after: instant($('f-after').value),
    before: instant($('f-before').value), has_attachment: $('f-attachment').value, min_size: $('f-min').value,
    max_size: $('f-max').value,
  };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  return params;
}

function row(message) {
  const tr = el('tr', null, 'message');
  tr.dataset.id = message.id;
  tr.append(el('td', message.from || message.envelope.from, 'from'),
    el('td', (message.to.length ? message.to : message.envelope.to).join(', '), 'to'),
    el('td', message.subject, 'subject'), el('td', when(message.date || message.received_at), 'date'),
    el('td', size(message.size), 'size'));
  if (message.id === state.selected) tr.classList.add('selected');
  tr.addEventListener('click', () => open(message.id));
  return tr;
}

async function load() {
  const params = filters();
  params.set('offset', state.offset);
  params.set('limit', PAGE);
  try {
    const page = await call('GET', '/messages?' + params);
    state.total = page.total;
    $('messages').replaceChildren(...page.messages.map(row));
    const last = Math.min(state.offset + page.messages.length, page.total);
    $('count').textContent = page.total ? (state.offset + 1) + '–' + last + ' of ' + page.total : 'no messages';
    $('newer').disabled = state.offset === 0;
    $('older').disabled = last >= page.total;
  } catch (e) {
    $('count').textContent = 'cannot list: ' + e.message;
  }
  loadMailboxes();
}

async function loadMailboxes() {
  const chosen = $('mailbox').value;
  const data = await call('GET', '/mailboxes');
  const options = [el('option', 'All mailboxes')];
  options[0].value = '';
  for (const mailbox of data.mailboxes) {
    const option = el('option', mailbox.address + ' (' + mailbox.messages + ')');
    option.value = mailbox.address;
    options.push(option);
  }
  $('mailbox').replaceChildren(...options);
  $('mailbox').value = chosen;
}

function filtered() {
  return [...filters().keys()].length > 0;
}

function listen() {
  const events = new EventSource(API + '/events');
  events.addEventListener('open', () => {
    $('live').textContent = 'live';
    $('live').classList.add('on');
    load(); // whatever arrived while the stream was down
  });
  events.addEventListener('error', () => {
    $('live').textContent = 'reconnecting';
    $('live').classList.remove('on');
  });
  events.addEventListener('added', event => {
    const message = JSON.parse(event.data);
    if (filtered() || state.offset > 0) {
      load(); // the server decides what matches
      return;
    }
    $('messages').prepend(row(message));
    while ($('messages').children.length > PAGE) $('messages').lastChild.remove();
    state.total += 1;
    $('count').textContent = '1–' + $('messages').children.length + ' of ' + state.total;
    loadMailboxes();
  });
  events.addEventListener('deleted', event => {
    const id = JSON.parse(event.data).id;
    for (const tr of $('messages').querySelectorAll('tr.message')) if (tr.dataset.id === id) tr.remove();
    if (state.selected === id) close();
    load();
  });
  events.addEventListener('cleared', () => {
    close();
    load();
  });
}

function close() {
  state.selected = null;
  $('view').hidden = true;
  $('html-frame').removeAttribute('src');
}

async function open(id) {
  state.selected = id;
  for (const tr of $('messages').querySelectorAll('tr.message')) {
    tr.classList.toggle('selected', tr.dataset.id === id);
  }
  const message = await call('GET', '/messages/' + encodeURIComponent(id));
  if (state.selected !== id) return;
  state.message = message;
  $('v-subject').textContent = message.subject || '(no subject)';
  $('v-from').textContent = message.from;
  $('v-to').textContent = message.to.join(', ');
  $('v-envelope').textContent = (message.envelope.from || '<>') + ' → ' + message.envelope.to.join(', ');
  $('v-date').textContent = when(message.date || message.received_at);
  $('release-result').textContent = '';
  $('view').hidden = false;
  show(message.has_html ? state.tab : state.tab === 'html' ? 'text' : state.tab);
}

async function show(tab) {
  state.tab = tab;
  const message = state.message;
  const base = '/messages/' + encodeURIComponent(message.id);
  for (const button of $('tabs').querySelectorAll('button')) {
    button.classList.toggle('active', button.dataset.tab === tab);
  }
  for (const pane of document.querySelectorAll('.tab')) pane.hidden = pane.id !== 'tab-' + tab;
  if (tab === 'html') {
    $('no-html').hidden = message.has_html;
    $('html-frame').hidden = !message.has_html;
    $('remote').hidden = !message.has_html;
    if (message.has_html) $('html-frame').src = API + base + '/html';
  } else if (tab === 'text') {
    $('tab-text').textContent = message.has_text ? await call('GET', base + '/text') : '(no text part)';
  } else if (tab === 'source') {
    const whole = el('a', 'download the whole message');
    whole.href = API + base + '/raw';
    whole.setAttribute('download', '');
    $('source-note').replaceChildren('showing the first 1 MiB of ' + size(message.size) + '; ',
      whole);
    $('source-note').hidden = message.size <= SOURCE_LIMIT;
    $('source-text').textContent = await call('GET', base + '/raw?limit=' + SOURCE_LIMIT);
  } else if (tab === 'headers') {
    const data = await call('GET', base + '/headers');
    $('headers').replaceChildren(...data.headers.map(header => {
      const tr = el('tr');
      tr.append(el('th', header.name), el('td', header.value));
      return tr;
    }));
  } else if (tab === 'attachments') {
    const items = message.attachments.map(part => {
      const link = el('a', (part.filename || 'attachment ' + part.index) + ' (' + part.content_type + ', '
        + size(part.size) + ')');
      link.href = API + base + '/attachments/' + part.index;
      link.setAttribute('download', '');
      const item = el('li');
      item.append(link);
      return item;
    });
    $('tab-attachments').replaceChildren(...(items.length ? items : [el('li', 'no attachments')]));
  }
}

async function release() {
  const host = $('release-host').value.trim();
  $('release-result').textContent = 'sending…';
  try {
    const result = await call('POST', '/messages/' + encodeURIComponent(state.selected) + '/release',
      host ? { host } : {});
    $('release-result').textContent = 'released: ' + result.reply;
  } catch (e) {
    $('release-result').textContent = 'not released: ' + e.message;
  }
}

function start() {
  $('search').addEventListener('submit', event => {
    event.preventDefault();
    state.offset = 0;
    load();
  });
  $('mailbox').addEventListener('change', () => {
    state.offset = 0;
    load();
  });
  $('newer').addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - PAGE);
    load();
  });
  $('older').addEventListener('click', () => {
    state.offset += PAGE;
    load();
  });
  $('delete-all').addEventListener('click', async () => {
    const mailbox = $('mailbox').value;
    if (!confirm(mailbox ? 'Delete every message of ' + mailbox + '?' : 'Delete every message?')) return;
    await call('DELETE', '/messages' + (mailbox ? '?mailbox=' + encodeURIComponent(mailbox) : ''));
    close();
    load();
  });
  $('delete-one').addEventListener('click', async () => {
    await call('DELETE', '/messages/' + encodeURIComponent(state.selected));
    close();
    load();
  });
  $('release').addEventListener('click', release);
  $('remote').addEventListener('click', () => {
    $('html-frame').src = API + '/messages/' + encodeURIComponent(state.selected) + '/html?remote=1';
  });
  for (const button of $('tabs').querySelectorAll('button')) {
    button.addEventListener('click', () => show(button.dataset.tab));
  }
  load();
  listen();
}

start();
