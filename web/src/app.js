// 工作台: the office's web console. Every page is a function of the hash
// route that builds its part of the DOM from the public API.
import * as api from './api.js';
import {
  h, LABELS, label, fmtTime, messageBox, showProblem, showOk, showFieldErrors, clearFieldErrors, field, today, table,
} from './ui.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let me = null;
const userCache = new Map();

// ---------------------------------------------------------------- helpers

async function userName(id) {
  if (!id) return '—';
  if (!userCache.has(id)) {
    userCache.set(
      id,
      api.get(`/users/${id}`).then((u) => u.display_name, () => `#${id}`),
    );
  }
  return userCache.get(id);
}

// A span filled in with the user's name once known.
function nameOf(id) {
  const span = h('span', { class: 'name' }, id ? `#${id}` : '—');
  if (id) userName(id).then((n) => { span.textContent = n; });
  return span;
}

function page(title, ...children) {
  const heading = h('h1', { tabindex: '-1' }, title);
  main.replaceChildren(heading, ...children.filter((c) => c !== null && c !== undefined && c !== false));
  heading.focus();
  document.title = `${title} · 工作台`;
}

function formData(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.value === '' && !el.required) continue;
    out[el.name] = el.dataset.kind === 'int' ? Number(el.value) : el.value;
  }
  return out;
}

// Submits a form to the API: field errors beside the fields, anything else
// (with its rule) in the message box.
function submitter(form, box, send, done) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    box.replaceChildren();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const result = await send(formData(form));
      await done(result);
    } catch (err) {
      const placed = err.status === 400 && showFieldErrors(form, err);
      showProblem(box, err);
      if (placed) form.querySelector('[aria-invalid]').focus();
    } finally {
      button.disabled = false;
    }
  });
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// ---------------------------------------------------------------- login

function viewLogin(reason) {
  nav.hidden = true;
  const box = messageBox();
  const form = h(
    'form',
    { class: 'card narrow', 'aria-label': '登录' },
    field({ name: 'username', label: '用户名', required: true, autocomplete: 'username' }),
    field({ name: 'password', label: '密码', type: 'password', required: true, autocomplete: 'current-password' }),
    h('button', { type: 'submit', class: 'primary' }, '登录'),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    box.replaceChildren();
    try {
      await api.login(form.username.value.trim(), form.password.value);
      await start();
    } catch (err) {
      showProblem(box, err);
      if (err.status === 401) {
        box.replaceChildren(h('div', { class: 'problem' }, h('strong', {}, '用户名或密码错误')));
      }
    }
  });
  page('登录工作台', reason ? h('p', { class: 'note' }, reason) : null, box, form);
  form.username.focus();
}

async function start() {
  me = await api.get('/me');
  // The secretariat (文秘科) reviews every draft (R-DOC-2).
  me.in_secretariat = Boolean(me.department_id) && await api.get(`/departments/${me.department_id}`)
    .then((d) => d.is_secretariat, () => false);
  nav.hidden = false;
  document.getElementById('who').textContent =
    `${me.display_name}（${label('position', me.position)}）`;
  if (!location.hash || location.hash === '#/login') location.hash = '#/todo';
  else route();
}

// ---------------------------------------------------------------- 待办

// Each source of the to-do list: where its items are, how one reads, and
// the actions the API offers on it.
const SOURCES = [
  {
    title: '请假审批',
    path: '/leave-requests?to_approve=true&limit=50',
    link: (x) => `#/leave/${x.id}`,
    text: (x) => [nameOf(x.applicant_id), ` ${label('leaveKind', x.kind)}请假 ${x.days} 天（${x.start_date} 至 ${x.end_date}）：${x.reason}`],
    actions: (x) => [
      { name: '批准', path: `/leave-requests/${x.id}/approve`, comment: true, version: x.version },
      { name: '不批准', path: `/leave-requests/${x.id}/reject`, comment: true, version: x.version },
    ],
  },
  {
    title: '用印审批',
    path: '/seal-requests?to_approve=true&limit=50',
    link: (x) => `#/seal-request/${x.id}`,
    text: (x) => [nameOf(x.requester_id), ` 申请使用「${x.seal_name}」${x.copies} 次：${x.document_number} ${x.content}`],
    actions: (x) => [
      { name: '批准', path: `/seal-requests/${x.id}/approve`, comment: true, version: x.version },
      { name: '不批准', path: `/seal-requests/${x.id}/reject`, comment: true, version: x.version },
    ],
  },
  {
    title: '待盖章',
    path: '/seal-requests?to_stamp=true&limit=50',
    link: (x) => `#/seal-request/${x.id}`,
    text: (x) => [`「${x.seal_name}」${x.document_number}（${x.using_unit}）：${x.content}，批准 ${x.copies} 次`],
    actions: (x) => [
      { name: '盖章', path: `/seal-requests/${x.id}/stamp`, count: x.copies, version: x.version },
      { name: '拒绝盖章', path: `/seal-requests/${x.id}/refuse`, reason: true, version: x.version },
    ],
  },
  {
    title: '印制审批',
    path: '/print-jobs?to_approve=true&limit=50',
    link: null,
    text: (x) => [`${x.requester_name} ${label('jobKind', x.kind)}「${x.title}」${x.pages} 页 × ${x.copies} 份，共 ${x.sheets} 张`],
    actions: (x) => [
      { name: '批准', path: `/print-jobs/${x.id}/approve`, comment: true, version: x.version },
      { name: '不批准', path: `/print-jobs/${x.id}/reject`, comment: true, version: x.version },
    ],
  },
  {
    title: '介绍信审批',
    path: '/intro-letters?to_approve=true&limit=50',
    link: (x) => `#/letter/${x.id}`,
    text: (x) => [nameOf(x.requester_id), ` 开具介绍信致 ${x.recipient_org}：${x.matter}`],
    actions: (x) => [
      { name: '批准', path: `/intro-letters/${x.id}/approve`, comment: true, version: x.version },
      { name: '不批准', path: `/intro-letters/${x.id}/reject`, comment: true, version: x.version },
    ],
  },
  {
    title: '介绍信待开出',
    path: '/intro-letters?to_issue=true&limit=50',
    link: (x) => `#/letter/${x.id}`,
    text: (x) => [`致 ${x.recipient_org}（${x.bearer_names.join('、')}）：${x.matter}`],
    actions: (x) => [{ name: '开出', path: `/intro-letters/${x.id}/issue`, version: x.version }],
  },
  {
    title: '公文审核（文秘科）',
    path: '/documents?state=secretariat_review&limit=100',
    mine: () => me.in_secretariat,
    link: (x) => `#/document/${x.id}`,
    text: (x) => [`${x.title}（${label('docIssuer', x.issuer)}）`],
    actions: () => [],
  },
  {
    title: '公文审核',
    path: '/documents?state=deputy_review&limit=100',
    mine: (x) => x.reviewer_id === me.id,
    link: (x) => `#/document/${x.id}`,
    text: (x) => [`${x.title}（${label('docIssuer', x.issuer)}）`],
    actions: (x) => [{ name: '审核通过', path: `/documents/${x.id}/review`, comment: true, version: x.version }],
  },
  {
    title: '公文签发',
    path: '/documents?state=awaiting_signoff&limit=100',
    mine: (x) => x.signer_id === me.id,
    link: (x) => `#/document/${x.id}`,
    text: (x) => [`${x.title}（${label('docIssuer', x.issuer)}）`],
    actions: (x) => [{ name: '签发', path: `/documents/${x.id}/sign`, comment: true, version: x.version }],
  },
  {
    title: '收文批示',
    path: '/incoming?assigned_to_me=true&limit=100',
    mine: (x) => ['assigned', 'instructed'].includes(x.state) && (x.leader_ids || []).includes(me.id)
      && !(x.instructed_leader_ids || []).includes(me.id),
    link: null,
    text: (x) => [`${x.registry_number || ''} ${x.source_org}：${x.title}${x.deadline ? `（限 ${x.deadline}）` : ''}`],
    actions: (x) => [{ name: '批示', path: `/incoming/${x.id}/instruct`, text: { name: 'instruction', label: '批示意见' }, version: x.version }],
  },
  {
    title: '议题审批',
    // No list of every topic: the topics of meetings still being prepared.
    load: async () => {
      const meetings = await api.get('/meetings?state=planned&limit=20');
      const pages = await Promise.all(meetings.items.map((m) => api.get(`/meetings/${m.id}/topics?limit=100`)
        .then((t) => t.items.map((x) => ({ ...x, meeting: m })))));
      return pages.flat();
    },
    mine: (x) => x.state === 'proposed' && x.approver_id === me.id,
    link: null,
    text: (x) => [`${x.meeting.title}：${x.title}（${label('topicCategory', x.category)}，汇报人 ${x.presenter_name || ''}）`],
    actions: (x) => [
      { name: '同意上会', path: `/topics/${x.id}/approve`, comment: true, version: x.version },
      { name: '不同意', path: `/topics/${x.id}/reject`, comment: true, version: x.version },
    ],
  },
  {
    title: '会议决定待落实',
    path: '/decisions?mine=true&limit=100',
    mine: (x) => ['published', 'in_progress'].includes(x.state),
    link: null,
    text: (x) => [`${x.text}（限 ${x.deadline}${x.overdue ? '，已逾期' : ''}）`],
    actions: () => [],
  },
  {
    title: '活动请假审批',
    path: '/activity-absence-requests?to_approve=true&limit=50',
    link: null,
    text: (x) => [nameOf(x.user_id), ` 申请不参加活动 #${x.activity_id}：${x.reason || ''}`],
    actions: (x) => [
      { name: '批准', path: `/activity-absence-requests/${x.id}/approve`, comment: true, version: x.version },
      { name: '不批准', path: `/activity-absence-requests/${x.id}/reject`, comment: true, version: x.version },
    ],
  },
];

// The action buttons of one item. Actions that take an optional comment
// (approve, reject) share one comment field; stamping asks for the count
// made, refusing for its reason. Each sends If-Match with the version shown.
function actionForms(item, acts, box, onDone) {
  if (!acts.length) return [];
  const send = async (act, body) => {
    box.replaceChildren();
    try {
      await api.call('POST', act.path, body, act.version ? { 'If-Match': `"${act.version}"` } : {});
      showOk(box, `已${act.name}`);
      onDone(act);
    } catch (err) {
      showProblem(box, err);
    }
  };
  const style = (act) => (/^(不|拒|撤)/.test(act.name) ? 'danger' : 'primary');
  const uid = `${item.id}-${acts[0].path.split('/')[1]}`;
  const forms = [];
  const commented = acts.filter((a) => a.comment);
  if (commented.length) {
    const id = `comment-${uid}`;
    const form = h(
      'form',
      { class: 'action' },
      h('label', { for: id, class: 'sr-only' }, '审批意见'),
      h('input', { id, name: 'comment', placeholder: '意见（可不填）', maxlength: 1000 }),
      commented.map((a) => h('button', { type: 'submit', class: style(a), value: a.name }, a.name)),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const act = commented.find((a) => a.name === (ev.submitter && ev.submitter.value)) || commented[0];
      send(act, formData(form));
    });
    forms.push(form);
  }
  for (const act of acts.filter((a) => !a.comment)) {
    const form = h('form', { class: 'action' });
    if (act.count !== undefined) {
      const id = `count-${uid}`;
      form.append(h('label', { for: id }, '实际盖印数'), h('input', {
        id, name: 'count', type: 'number', min: 1, max: act.count, value: act.count, 'data-kind': 'int', required: true,
      }));
    }
    if (act.reason) {
      const id = `reason-${uid}`;
      form.append(h('label', { for: id }, '拒绝理由'), h('input', { id, name: 'reason', required: true, maxlength: 1000 }));
    }
    if (act.text) {
      const id = `${act.text.name}-${uid}`;
      form.append(h('label', { for: id }, act.text.label), h('input', { id, name: act.text.name, required: true, maxlength: 4000 }));
    }
    form.append(h('button', { type: 'submit', class: style(act) }, act.name));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      send(act, formData(form));
    });
    forms.push(form);
  }
  return forms;
}

async function viewTodo() {
  const list = h('div', { class: 'todo' }, h('p', { class: 'note' }, '正在读取……'));
  page('待办', list);
  const sections = await Promise.all(SOURCES.map(async (src) => {
    try {
      const all = src.load ? await src.load() : (await api.get(src.path)).items;
      const items = src.mine ? all.filter(src.mine) : all;
      items.forEach((x) => src.text(x)); // a source that cannot read its items shows its error alone
      return { src, items };
    } catch (err) {
      // A service that is not deployed here answers 404/502: no such to-do.
      if ([404, 502, 503].includes(err.status)) return { src, items: [] };
      return { src, error: err };
    }
  }));
  const total = sections.reduce((n, s) => n + (s.items ? s.items.length : 0), 0);
  list.replaceChildren(h('p', { class: 'summary' }, total ? `共 ${total} 件待办` : '没有待办事项'));
  for (const { src, items, error } of sections) {
    if (error) {
      const box = messageBox();
      list.append(h('section', { class: 'card' }, h('h2', {}, src.title), box));
      showProblem(box, error);
      continue;
    }
    if (!items.length) continue;
    const ul = h('ul', { class: 'items' });
    for (const x of items) {
      const box = messageBox();
      let li;
      const done = () => {
        li.classList.add('done');
        for (const b of li.querySelectorAll('button')) b.disabled = true;
      };
      try {
        const what = src.link ? h('a', { href: src.link(x) }, ...src.text(x)) : h('span', {}, ...src.text(x));
        li = h(
          'li',
          { class: 'item' },
          h('div', { class: 'what' }, what),
          h('div', { class: 'acts' }, actionForms(x, src.actions(x), box, done)),
          box,
        );
      } catch (err) {
        // One item the console cannot read does not hide the others.
        li = h('li', { class: 'item' }, `#${x.id}`, box);
        showProblem(box, err);
      }
      ul.append(li);
    }
    list.append(h('section', { class: 'card', 'aria-label': src.title }, h('h2', {}, `${src.title}（${items.length}）`), ul));
  }
}

// ---------------------------------------------------------------- 我的申请

async function viewMine() {
  const wrap = h('div', {}, h('p', { class: 'note' }, '正在读取……'));
  page('我的申请', wrap);
  const [leave, seals, letters] = await Promise.all([
    api.get('/leave-requests?mine=true&limit=20'),
    api.get('/seal-requests?mine=true&limit=20'),
    api.get('/intro-letters?mine=true&limit=20').catch(() => ({ items: [] })),
  ]);
  const section = (title, head, rows) => h(
    'section',
    { class: 'card' },
    h('h2', {}, title),
    rows.length ? table(head, rows) : h('p', { class: 'note' }, '暂无'),
  );
  wrap.replaceChildren(
    section('请假', ['日期', '天数', '事由', '状态'], leave.items.map((x) => h(
      'tr', {},
      h('td', {}, h('a', { href: `#/leave/${x.id}` }, `${x.start_date} 至 ${x.end_date}`)),
      h('td', {}, x.days), h('td', {}, x.reason), h('td', {}, label('leaveState', x.state)),
    ))),
    section('用印', ['印章', '文书', '次数', '状态'], seals.items.map((x) => h(
      'tr', {},
      h('td', {}, h('a', { href: `#/seal-request/${x.id}` }, x.seal_name)),
      h('td', {}, `${x.document_number} ${x.content}`), h('td', {}, x.copies), h('td', {}, label('sealState', x.state)),
    ))),
    section('介绍信', ['致', '事由', '有效期至', '状态'], letters.items.map((x) => h(
      'tr', {},
      h('td', {}, h('a', { href: `#/letter/${x.id}` }, x.recipient_org)),
      h('td', {}, x.matter), h('td', {}, x.valid_until), h('td', {}, label('letterState', x.state)),
    ))),
  );
}

// ---------------------------------------------------------------- leave

function viewLeaveNew() {
  const box = messageBox();
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    field({ name: 'kind', label: '类别', type: 'select', options: [['private', '因私'], ['public', '因公']], required: true }),
    field({ name: 'reason', label: '事由', type: 'textarea', required: true, max: 500 }),
    h('div', { class: 'row' },
      field({ name: 'start_date', label: '开始日期', type: 'date', required: true, value: today(1) }),
      field({ name: 'start_half', label: '开始', type: 'select', options: [['am', '上午'], ['pm', '下午']], required: true })),
    h('div', { class: 'row' },
      field({ name: 'end_date', label: '结束日期', type: 'date', required: true, value: today(1) }),
      field({ name: 'end_half', label: '结束', type: 'select', options: [['pm', '下午'], ['am', '上午']], required: true })),
    h('p', { class: 'hint' }, '按工作日的半天计算；审批人依请假时长和本人职务确定（R-ATT-2），请在假期开始前申请（R-ATT-3）。'),
    h('button', { type: 'submit', class: 'primary' }, '提交请假申请'),
  );
  submitter(form, box, (body) => api.post('/leave-requests', body), (x) => go(`#/leave/${x.id}`));
  page('请假申请', box, form);
}

async function viewLeave(id) {
  const x = await api.get(`/leave-requests/${id}`);
  const box = messageBox();
  const chain = h('ol', { class: 'chain', 'aria-label': '审批流程' }, x.approvals.map((s) => h(
    'li',
    { class: `step ${s.decision || (x.current_step === s.step ? 'current' : 'waiting')}` },
    h('span', { class: 'role' }, label('role', s.role)), ' ',
    nameOf(s.approver_id), ' ',
    h('span', { class: 'decision' }, s.decision ? `${label('decision', s.decision)} ${fmtTime(s.decided_at)}` : (x.current_step === s.step ? '待审批' : '未到')),
    s.comment ? h('span', { class: 'comment' }, `：${s.comment}`) : null,
  )));
  const reload = () => go(`#/leave/${id}`);
  const acts = [];
  if (x.state === 'pending' && x.current_approver_id === me.id) {
    acts.push({ name: '批准', path: `/leave-requests/${x.id}/approve`, comment: true, version: x.version },
      { name: '不批准', path: `/leave-requests/${x.id}/reject`, comment: true, version: x.version });
  }
  if (x.state === 'pending' && x.applicant_id === me.id) {
    acts.push({ name: '撤回', path: `/leave-requests/${x.id}/withdraw`, version: x.version });
  }
  page(
    `请假 #${x.id}`,
    box,
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', {}, '申请人'), h('dd', {}, nameOf(x.applicant_id)),
        h('dt', {}, '类别'), h('dd', {}, label('leaveKind', x.kind)),
        h('dt', {}, '时间'), h('dd', {}, `${x.start_date} ${label('half', x.start_half)} 至 ${x.end_date} ${label('half', x.end_half)}，共 ${x.days} 天`),
        h('dt', {}, '事由'), h('dd', {}, x.reason),
        h('dt', {}, '状态'), h('dd', { class: 'state' }, label('leaveState', x.state)))),
    h('section', { class: 'card' }, h('h2', {}, '审批流程'), chain),
    acts.length ? h('section', { class: 'card acts' }, actionForms(x, acts, box, reload)) : null,
  );
}

// ---------------------------------------------------------------- outings

function localInput(offsetMin) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + offsetMin * 60000);
  return d.toISOString().slice(0, 16);
}

function viewOutingNew() {
  const box = messageBox();
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    field({ name: 'matter', label: '外出办理事项', required: true, maxlength: 500 }),
    field({ name: 'destination', label: '去向', required: true, maxlength: 200 }),
    h('div', { class: 'row' },
      field({ name: 'starts_at', label: '外出时间', type: 'datetime-local', required: true, value: localInput(0) }),
      field({ name: 'ends_at', label: '预计返回', type: 'datetime-local', required: true, value: localInput(60) })),
    field({ name: 'contact', label: '联系方式', required: true, maxlength: 100 }),
    h('p', { class: 'hint' }, '临时外出不足半个工作日；半天以上请假（R-ATT-1）。本科室同事会收到通知。'),
    h('button', { type: 'submit', class: 'primary' }, '登记外出'),
  );
  // datetime-local has no zone: the office's is +08:00.
  const send = (body) => {
    for (const k of ['starts_at', 'ends_at']) if (body[k]) body[k] = `${body[k]}:00+08:00`;
    return api.post('/outings', body);
  };
  submitter(form, box, send, () => go('#/away'));
  page('外出登记', box, form);
}

// ---------------------------------------------------------------- 谁不在岗

async function viewAway(depId) {
  // The caller's own section, or the one chosen (leaders, supervising deputies).
  const deps = await api.get('/departments?limit=100').then((d) => d.items, () => []);
  const chosen = depId || me.department_id || (deps[0] && deps[0].id);
  const x = await api.get(`/away-now?department_id=${chosen}`);
  const dep = deps.find((d) => d.id === x.department_id);
  const until = (t) => fmtTime(t);
  const rows = x.items.map((a) => h('tr', {},
    h('td', {}, a.display_name),
    h('td', {}, a.kind === 'leave' ? '请假' : '外出'),
    h('td', {}, a.kind === 'outing' ? `${a.destination}：${a.matter}` : '—'),
    h('td', {}, until(a.until)),
    h('td', {}, a.contact || '—')));
  const leader = ['office_director', 'deputy_director', 'district_mayor', 'deputy_mayor'].includes(me.position)
    || me.is_admin || !me.department_id;
  const picker = leader && deps.length > 1 ? h('form', { class: 'card row', 'aria-label': '科室' },
    field({ name: 'department', label: '科室', type: 'select', options: deps.map((d) => [d.id, d.name]), value: x.department_id }),
    h('button', { type: 'submit' }, '查看')) : null;
  if (picker) {
    picker.addEventListener('submit', (ev) => {
      ev.preventDefault();
      go(`#/away/${picker.department.value}`);
    });
  }
  page(
    '谁不在岗',
    h('p', { class: 'note' }, `${dep ? dep.name : '本科室'}此刻外出或请假的人（外出写明事项、去向和联系方式，请假不显示事由）。`),
    picker,
    h('section', { class: 'card' }, rows.length
      ? table(['姓名', '类别', '去向／事项', '预计返回', '联系方式'], rows, 'away')
      : h('p', {}, '全部在岗')),
    h('p', {}, h('a', { href: '#/outing/new' }, '登记我的外出')),
  );
}

// ---------------------------------------------------------------- seals

async function sealOptions() {
  const seals = await api.get('/seals?limit=100');
  return seals.items.filter((s) => s.state !== 'retired').map((s) => [s.id, `${s.name}（保管人 ${s.custodian_name || s.custodian_id}）`]);
}

async function viewSealRequestNew() {
  const box = messageBox();
  const opts = await sealOptions();
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    field({ name: 'seal_id', label: '印章', type: 'select', options: opts, required: true }),
    field({ name: 'matter', label: '事项类别', type: 'select', options: Object.entries({ general: '一般事项', finance: '财政', personnel: '人事', state_assets: '国有资产' }), required: true }),
    field({ name: 'document_number', label: '文书编号', required: true, maxlength: 100 }),
    field({ name: 'content', label: '文书内容', type: 'textarea', required: true, max: 2000 }),
    field({ name: 'using_unit', label: '用印单位', required: true, maxlength: 200 }),
    field({ name: 'copies', label: '用印次数', type: 'number', min: 1, max: 10000, value: 1, required: true }),
    h('p', { class: 'hint' }, '区政府印章由区长或副区长批准，财政、人事、国有资产等重大事项由区长批准；办公室印章由主任批准（R-SEAL-2）。'),
    h('button', { type: 'submit', class: 'primary' }, '提交用印申请'),
  );
  form.seal_id.dataset.kind = 'int';
  form.copies.dataset.kind = 'int';
  submitter(form, box, (body) => api.post('/seal-requests', body), (x) => go(`#/seal-request/${x.id}`));
  page('用印申请', box, form);
}

async function viewSealRequest(id) {
  const x = await api.get(`/seal-requests/${id}`);
  const box = messageBox();
  const acts = [];
  const reload = () => go(`#/seal-request/${id}`);
  if (x.state === 'pending' && x.required_approval && x.required_approval.approver_ids.includes(me.id)) {
    acts.push({ name: '批准', path: `/seal-requests/${id}/approve`, comment: true, version: x.version },
      { name: '不批准', path: `/seal-requests/${id}/reject`, comment: true, version: x.version });
  }
  if (x.state === 'approved' && x.custodian_id === me.id) {
    acts.push({ name: '盖章', path: `/seal-requests/${id}/stamp`, count: x.copies, version: x.version },
      { name: '拒绝盖章', path: `/seal-requests/${id}/refuse`, reason: true, version: x.version });
  }
  if ((x.state === 'pending' || x.state === 'approved') && x.requester_id === me.id) {
    acts.push({ name: '撤回', path: `/seal-requests/${id}/withdraw`, version: x.version });
  }
  page(
    `用印申请 #${x.id}`,
    box,
    h('section', { class: 'card' }, h('dl', { class: 'facts' },
      h('dt', {}, '印章'), h('dd', {}, h('a', { href: `#/seal/${x.seal_id}` }, x.seal_name)),
      h('dt', {}, '事项'), h('dd', {}, label('matter', x.matter)),
      h('dt', {}, '文书'), h('dd', {}, `${x.document_number} ${x.content}`),
      h('dt', {}, '用印单位'), h('dd', {}, x.using_unit),
      h('dt', {}, '次数'), h('dd', {}, x.stamped_count ? `${x.stamped_count}／${x.copies}` : x.copies),
      h('dt', {}, '经办人'), h('dd', {}, nameOf(x.requester_id)),
      h('dt', {}, '批准人'), h('dd', {}, x.approved_by ? nameOf(x.approved_by) : (x.required_approval ? `待 ${label('role', x.required_approval.role) || x.required_approval.role} 批准（${x.required_approval.rule}）` : '—')),
      h('dt', {}, '盖印人'), h('dd', {}, x.stamped_by ? nameOf(x.stamped_by) : '—'),
      x.refuse_reason ? [h('dt', {}, '拒绝理由'), h('dd', {}, x.refuse_reason)] : null,
      h('dt', {}, '状态'), h('dd', { class: 'state' }, label('sealState', x.state)))),
    acts.length ? h('section', { class: 'card acts' }, actionForms(x, acts, box, reload)) : null,
  );
}

async function viewSeals() {
  const seals = await api.get('/seals?limit=100');
  page('印章', h('section', { class: 'card' }, h('ul', { class: 'items' }, seals.items.map((s) => h(
    'li', { class: 'item' },
    h('a', { href: `#/seal/${s.id}` }, s.name), ` ${label('sealKind', s.kind)}，保管人 ${s.custodian_name || s.custodian_id}`,
  )))));
}

async function viewSealLog(id) {
  const seal = await api.get(`/seals/${id}`);
  const box = messageBox();
  const form = h(
    'form',
    { class: 'card row', 'aria-label': '期间' },
    field({ name: 'from', label: '自', type: 'date', value: today(-30) }),
    field({ name: 'to', label: '至', type: 'date', value: today(0) }),
    h('button', { type: 'submit' }, '查询'),
    h('button', { type: 'button', id: 'export-csv' }, '导出 CSV'),
  );
  const body = h('div', {});
  const query = () => {
    const p = new URLSearchParams({ seal_id: id, limit: 100 });
    if (form.from.value) p.set('from', form.from.value);
    if (form.to.value) p.set('to', form.to.value);
    return p;
  };
  const load = async () => {
    box.replaceChildren();
    clearFieldErrors(form);
    try {
      const log = await api.get(`/seal-usages?${query()}`);
      body.replaceChildren(log.items.length
        ? table(['用印时间', '文书编号', '文书内容', '用印单位', '用印数', '经办人', '批准人', '盖印人'],
          log.items.map((u) => h('tr', {},
            h('td', {}, fmtTime(u.stamped_at)), h('td', {}, u.document_number), h('td', {}, u.content),
            h('td', {}, u.using_unit), h('td', {}, u.count), h('td', {}, u.handler_name),
            h('td', {}, u.approver_name), h('td', {}, u.stamper_name))), 'log')
        : h('p', { class: 'note' }, '此期间没有用印记录'));
    } catch (err) {
      showFieldErrors(form, err);
      showProblem(box, err);
    }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  form.querySelector('#export-csv').addEventListener('click', async () => {
    const p = query();
    p.delete('limit');
    try {
      await api.download(`/seal-usages?${p}`, `用印登记-${seal.name}.csv`);
    } catch (err) {
      showProblem(box, err);
    }
  });
  page(`用印登记：${seal.name}`, box, form, h('section', { class: 'card' }, body));
  await load();
}

// ---------------------------------------------------------------- letters

async function viewLetterNew() {
  const box = messageBox();
  const opts = await sealOptions();
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    field({ name: 'seal_id', label: '印章', type: 'select', options: opts, required: true }),
    field({ name: 'recipient_org', label: '致（接洽单位）', required: true, maxlength: 200 }),
    field({ name: 'bearer_names', label: '持信人', required: true, hint: '多人用顿号或逗号分隔' }),
    field({ name: 'bearer_count', label: '人数', type: 'number', min: 1, max: 100, value: 1, required: true }),
    field({ name: 'matter', label: '事由', type: 'textarea', required: true, max: 1000 }),
    field({ name: 'valid_until', label: '有效期至', type: 'date', required: true, value: today(7) }),
    h('p', { class: 'hint' }, '介绍信须经主任或副主任批准，各项填写完整后方可开出（R-LET-2）。'),
    h('button', { type: 'submit', class: 'primary' }, '提交介绍信申请'),
  );
  form.seal_id.dataset.kind = 'int';
  form.bearer_count.dataset.kind = 'int';
  const send = (body) => {
    body.bearer_names = (body.bearer_names || '').split(/[、,，]/).map((s) => s.trim()).filter(Boolean);
    return api.post('/intro-letters', body);
  };
  submitter(form, box, send, (x) => go(`#/letter/${x.id}`));
  page('介绍信申请', box, form);
}

async function viewLetter(id) {
  const x = await api.get(`/intro-letters/${id}`);
  const box = messageBox();
  const acts = [];
  if (x.state === 'approved' && x.custodian_id === me.id) {
    acts.push({ name: '开出', path: `/intro-letters/${id}/issue`, version: x.version });
  }
  if ((x.state === 'pending' || x.state === 'approved') && x.requester_id === me.id) {
    acts.push({ name: '撤回', path: `/intro-letters/${id}/withdraw`, version: x.version });
  }
  page(`介绍信 #${x.id}`, box, acts.length ? h('section', { class: 'card acts' }, actionForms(x, acts, box, () => go(`#/letter/${id}`))) : null,
    h('section', { class: 'card' }, h('dl', { class: 'facts' },
    h('dt', {}, '编号'), h('dd', {}, x.letter_number || '—'),
    h('dt', {}, '致'), h('dd', {}, x.recipient_org),
    h('dt', {}, '持信人'), h('dd', {}, `${x.bearer_names.join('、')}（${x.bearer_count} 人）`),
    h('dt', {}, '事由'), h('dd', {}, x.matter),
    h('dt', {}, '有效期至'), h('dd', {}, x.valid_until),
    h('dt', {}, '印章'), h('dd', {}, x.seal_name),
    h('dt', {}, '状态'), h('dd', { class: 'state' }, label('letterState', x.state)))));
}

// ---------------------------------------------------------------- copy register

async function viewCopyRegister() {
  const box = messageBox();
  const form = h(
    'form',
    { class: 'card row', 'aria-label': '期间' },
    field({ name: 'from', label: '自', type: 'date', value: today(-30) }),
    field({ name: 'to', label: '至', type: 'date', value: today(0) }),
    h('button', { type: 'submit' }, '查询'),
    h('button', { type: 'button', id: 'export-register' }, '导出 CSV'),
  );
  const body = h('div', {});
  const query = () => {
    const p = new URLSearchParams({ limit: 100 });
    const leader = ['office_director', 'deputy_director', 'district_mayor', 'deputy_mayor'].includes(me.position);
    if (me.department_id && !leader) p.set('department_id', me.department_id);
    if (form.from.value) p.set('from', form.from.value);
    if (form.to.value) p.set('to', form.to.value);
    return p;
  };
  const load = async () => {
    box.replaceChildren();
    clearFieldErrors(form);
    try {
      const reg = await api.get(`/copy-register?${query()}`);
      body.replaceChildren(reg.items.length
        ? table(['完成时间', '科室', '类别', '名称', '页数', '份数', '张数', '申请人', '操作人', '批准人'],
          reg.items.map((x) => h('tr', {},
            h('td', {}, fmtTime(x.completed_at)), h('td', {}, x.department_name), h('td', {}, label('jobKind', x.kind)),
            h('td', {}, x.title), h('td', {}, x.pages), h('td', {}, x.copies), h('td', {}, x.sheets),
            h('td', {}, x.requester_name), h('td', {}, x.operator_name),
            h('td', {}, x.approver_name || (x.without_approval ? '未经批准' : '—')))))
        : h('p', { class: 'note' }, '此期间没有登记'));
    } catch (err) {
      showFieldErrors(form, err);
      showProblem(box, err);
    }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  form.querySelector('#export-register').addEventListener('click', async () => {
    const p = query();
    p.delete('limit');
    p.set('format', 'csv');
    try {
      await api.download(`/copy-register?${p}`, '复印登记簿.csv');
    } catch (err) {
      showProblem(box, err);
    }
  });
  page('复印登记簿', box, form, h('section', { class: 'card' }, body));
  await load();
}

// ---------------------------------------------------------------- 督办

const LIGHTS = { red: ['红灯', '逾期'], yellow: ['黄灯', '临近期限'], green: ['绿灯', '正常推进'], done: ['完成', '已办结'] };

async function viewSupervision() {
  const report = await api.get('/supervision-report?limit=100');
  const t = report.totals;
  const light = (l) => h('span', { class: `light ${l}` }, h('span', { class: 'dot', 'aria-hidden': 'true' }), LIGHTS[l] ? LIGHTS[l][0] : l);
  page(
    '督办',
    h('p', { class: 'summary' }, `共 ${t.total} 项：`, light('red'), ` ${t.red}　`, light('yellow'), ` ${t.yellow}　`,
      light('green'), ` ${t.green}　`, light('done'), ` ${t.done}`),
    h('section', { class: 'card' }, report.items.length
      ? table(['状态', '决定事项', '会议', '责任人', '期限', '最新进展'], report.items.map((x) => h(
        'tr', {},
        h('td', {}, light(x.light)),
        h('td', {}, x.text),
        h('td', {}, `${x.meeting_title}（${x.meeting_date}）`),
        h('td', {}, x.responsible_name || nameOf(x.responsible_id)),
        h('td', {}, x.days_overdue > 0 ? `${x.deadline}（逾期 ${x.days_overdue} 天）` : x.deadline),
        h('td', {}, x.last_progress_note || '—'),
      )))
      : h('p', { class: 'note' }, '没有督办事项')),
  );
}

// ---------------------------------------------------------------- documents

const DOC_TYPES = [['notice', '通知'], ['bulletin', '通报'], ['request', '请示'], ['report', '报告'],
  ['reply', '批复'], ['letter', '函'], ['opinion', '意见'], ['decision', '决定'], ['minutes', '纪要'], ['other', '其他']];

function viewDocumentNew() {
  const box = messageBox();
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('div', { class: 'row' },
      field({ name: 'issuer', label: '发文机关', type: 'select', options: Object.entries(LABELS.docIssuer), value: 'government_office', required: true }),
      field({ name: 'doc_type', label: '文种', type: 'select', options: DOC_TYPES, required: true })),
    field({ name: 'title', label: '标题', required: true, maxlength: 200 }),
    field({ name: 'main_recipients', label: '主送机关', required: true, maxlength: 1000 }),
    field({ name: 'cc_recipients', label: '抄送机关', maxlength: 1000 }),
    field({ name: 'body', label: '正文', type: 'textarea', required: true, max: 200000 }),
    h('div', { class: 'row' },
      field({ name: 'secrecy', label: '密级', type: 'select', options: [['none', '无'], ['secret', '秘密'], ['confidential', '机密']] }),
      field({ name: 'urgency', label: '紧急程度', type: 'select', options: [['normal', '普通'], ['urgent', '加急'], ['extra_urgent', '特急']] }),
      field({ name: 'print_count', label: '印制份数', type: 'number', min: 1, max: 100000, value: 10, required: true })),
    field({ name: 'assigned_by', label: '交办', type: 'select', options: [['', '非交办'], ['government', '政府交办'], ['office', '办公室交办']], hint: '交办事项先经分管副主任审核（R-DOC-3）' }),
    h('p', { class: 'hint' }, '草稿提交后先经文秘科审核，再送领导签发（R-DOC-2）。'),
    h('button', { type: 'submit', class: 'primary' }, '保存草稿'),
  );
  form.print_count.dataset.kind = 'int';
  submitter(form, box, (body) => api.post('/documents', body), (x) => go(`#/document/${x.id}`));
  page('拟稿', box, form);
}

async function signerOptions(issuer) {
  const positions = issuer === 'district_government' ? ['district_mayor', 'deputy_mayor'] : ['office_director', 'deputy_director'];
  const pages = await Promise.all(positions.map((p) => api.get(`/users?position=${p}&limit=50`)));
  return pages.flatMap((pg) => pg.items).map((u) => [u.id, `${u.display_name}（${label('position', u.position)}）`]);
}

async function viewDocument(id) {
  const x = await api.get(`/documents/${id}`);
  const box = messageBox();
  const reload = () => go(`#/document/${id}`);
  const acts = [];
  if (x.state === 'draft' && x.creator_id === me.id) {
    acts.push({ name: '提交审核', path: `/documents/${id}/submit`, version: x.version });
  }
  if (x.state === 'secretariat_review' && me.in_secretariat) {
    acts.push({ name: '退回修改', path: `/documents/${id}/return`, text: { name: 'comment', label: '退回意见' }, version: x.version });
  }
  if (x.state === 'deputy_review' && x.reviewer_id === me.id) {
    acts.push({ name: '审核通过', path: `/documents/${id}/review`, comment: true, version: x.version });
  }
  if (x.state === 'awaiting_signoff' && x.signer_id === me.id) {
    acts.push({ name: '签发', path: `/documents/${id}/sign`, comment: true, version: x.version });
  }
  let forward = null;
  if (x.state === 'secretariat_review' && me.in_secretariat) {
    // R-DOC-2: the secretariat sends the reviewed draft to the leader who signs it.
    forward = h('form', { class: 'card', novalidate: true, 'aria-label': '送签' },
      field({ name: 'signer_id', label: '送签发人', type: 'select', options: await signerOptions(x.issuer), required: true }),
      field({ name: 'comment', label: '审核意见', maxlength: 2000 }),
      h('button', { type: 'submit', class: 'primary' }, '审核通过，送签发'));
    forward.signer_id.dataset.kind = 'int';
    submitter(forward, box, (body) => api.call('POST', `/documents/${id}/forward`, body, { 'If-Match': `"${x.version}"` }), reload);
  }
  page(
    x.title,
    box,
    acts.length ? h('section', { class: 'card acts' }, actionForms(x, acts, box, reload)) : null,
    forward,
    h('section', { class: 'card' }, h('dl', { class: 'facts' },
      h('dt', {}, '发文机关'), h('dd', {}, label('docIssuer', x.issuer)),
      h('dt', {}, '文号'), h('dd', {}, x.doc_number || '—'),
      h('dt', {}, '起草人'), h('dd', {}, nameOf(x.creator_id)),
      h('dt', {}, '审核人'), h('dd', {}, x.reviewer_id ? nameOf(x.reviewer_id) : '—'),
      h('dt', {}, '签发人'), h('dd', {}, x.signer_id ? nameOf(x.signer_id) : '—'),
      h('dt', {}, '状态'), h('dd', { class: 'state' }, label('docState', x.state)),
      x.last_comment ? [h('dt', {}, '意见'), h('dd', { class: 'comment' }, x.last_comment)] : null)),
    h('section', { class: 'card' }, h('h2', {}, '正文'), h('div', { class: 'doc-body' }, x.body)),
  );
}

// ---------------------------------------------------------------- routing

const ROUTES = [
  [/^#\/todo$/, viewTodo],
  [/^#\/mine$/, viewMine],
  [/^#\/leave\/new$/, viewLeaveNew],
  [/^#\/leave\/(\d+)$/, viewLeave],
  [/^#\/outing\/new$/, viewOutingNew],
  [/^#\/away$/, viewAway],
  [/^#\/away\/(\d+)$/, viewAway],
  [/^#\/seal-request\/new$/, viewSealRequestNew],
  [/^#\/seal-request\/(\d+)$/, viewSealRequest],
  [/^#\/seals$/, viewSeals],
  [/^#\/seal\/(\d+)$/, viewSealLog],
  [/^#\/letter\/new$/, viewLetterNew],
  [/^#\/letter\/(\d+)$/, viewLetter],
  [/^#\/document\/new$/, viewDocumentNew],
  [/^#\/document\/(\d+)$/, viewDocument],
  [/^#\/copy-register$/, viewCopyRegister],
  [/^#\/supervision$/, viewSupervision],
];

async function route() {
  if (!me) return;
  const hash = location.hash || '#/todo';
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === hash) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const found = ROUTES.find(([re]) => re.test(hash));
  if (!found) {
    page('找不到此页面', h('p', {}, h('a', { href: '#/todo' }, '返回待办')));
    return;
  }
  try {
    await found[1](...hash.match(found[0]).slice(1));
  } catch (err) {
    if (err.status === 401) return;
    const box = messageBox();
    page(err.status === 404 ? '找不到或无权查看' : '出错了', box);
    showProblem(box, err);
  }
}

api.setLogoutHandler(() => {
  me = null;
  viewLogin('登录已过期，请重新登录。');
});

document.getElementById('logout').addEventListener('click', async () => {
  await api.logout();
  me = null;
  location.hash = '#/login';
  viewLogin('已退出。');
});

window.addEventListener('hashchange', route);

(async () => {
  if (api.hasSession()) {
    try {
      await start();
      return;
    } catch (err) {
      // fall through to the login page
    }
  }
  viewLogin();
})();
