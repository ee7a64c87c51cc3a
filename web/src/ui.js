// Small DOM helpers: elements built from data (never from HTML strings, so
// no text from the API is ever read as markup), field errors beside their
// fields, and the problem of a refused action with its rule.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const LABELS = {
  position: {
    district_mayor: '区长',
    deputy_mayor: '副区长',
    office_director: '办公室主任',
    deputy_director: '副主任',
    section_chief: '科长',
    staff: '科员',
    none: '—',
  },
  leaveState: {
    pending: '待审批',
    approved: '已批准',
    rejected: '未批准',
    withdrawn: '已撤回',
    closed: '已销假',
  },
  leaveKind: { public: '因公', private: '因私' },
  half: { am: '上午', pm: '下午' },
  role: {
    section_chief: '科长',
    supervising_deputy: '分管副主任',
    office_director: '主任',
    district_mayor: '区长',
    district_leader: '区长或副区长',
    configured: '指定审批人',
  },
  decision: { approved: '同意', rejected: '不同意' },
  sealState: {
    pending: '待批',
    approved: '已批',
    stamped: '已盖章',
    refused: '拒绝盖章',
    rejected: '不批准',
    withdrawn: '已撤回',
  },
  letterState: {
    pending: '待批',
    approved: '已批',
    issued: '已开出',
    used: '已使用',
    returned: '已退回',
    rejected: '不批准',
    withdrawn: '已撤回',
  },
  matter: { general: '一般事项', finance: '财政', personnel: '人事', state_assets: '国有资产' },
  jobKind: { print: '打印', copy: '复印', print_shop: '印刷厂印制', typing: '打字' },
  docIssuer: { district_government: '区政府', government_office: '区政府办公室' },
  docState: {
    draft: '起草中',
    secretariat_review: '文秘科审核',
    deputy_review: '分管副主任审核',
    awaiting_signoff: '待签发',
    proofreading: '校对中',
    revising: '修改中',
    proofread: '已校对',
    numbered: '已编号',
    printed: '已印制',
    issued: '已印发',
    declined: '不予发文',
  },
  topicCategory: { general: '一般', personnel: '人事', finance: '财政', other: '其他' },
  sealKind: { district_government: '区政府印章', government_office: '政府办公室印章' },
};

export function label(kind, value) {
  return (LABELS[kind] && LABELS[kind][value]) || value || '—';
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

// The message region of a page: one per view, announced to screen readers.
export function messageBox() {
  return h('div', { class: 'messages', role: 'alert', 'aria-live': 'assertive' });
}

export function showProblem(box, err) {
  box.replaceChildren();
  const p = (err && err.problem) || {};
  const status = err && err.status;
  let title = p.title || '操作失败';
  if (status === 403) title = '无权办理';
  else if (status === 409) title = '当前状态不允许';
  else if (status === 412) title = '已被他人修改，请刷新后重试';
  else if (status === 422) title = '按规定不予办理';
  else if (status === 400) title = '请检查填写的内容';
  else if (!status && err instanceof TypeError && /fetch/i.test(err.message)) title = '网络错误';
  else if (!status) title = `页面出错：${err && err.message}`;
  box.append(
    h(
      'div',
      { class: 'problem' },
      h('strong', {}, title),
      p.errors && p.errors.length
        ? h('ul', { class: 'errors' }, p.errors.map((e) => h('li', {}, `${fieldLabel(e.field)}：${fieldMessage(e.message)}`)))
        : (p.detail ? h('p', {}, p.detail) : null),
      p.rule ? h('p', { class: 'rule' }, '依据：', h('span', { class: 'rule-id' }, p.rule)) : null,
      p.code ? h('p', { class: 'code' }, `代码 ${p.code}`) : null,
    ),
  );
  box.focus();
}

export function showOk(box, text) {
  box.replaceChildren(h('div', { class: 'ok' }, text));
}

// The API's field messages in Chinese; one it does not list is shown as it
// came.
const FIELD_MESSAGES = [
  [/^is required$/, () => '必填'],
  [/^must not be blank$/, () => '不能为空'],
  [/^must not be null$/, () => '不能为空'],
  [/^must be a date YYYY-MM-DD$/, () => '请填写日期'],
  [/^must be an RFC 3339 time with offset$/, () => '请填写时间'],
  [/^must be an integer$/, () => '请填写整数'],
  [/^must be a string$/, () => '请填写文字'],
  [/^must be at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字`],
  [/^must be at most (\d+) characters$/, (m) => `最多 ${m[1]} 个字`],
  [/^must be from (-?\d+) to (-?\d+)$/, (m) => `须在 ${m[1]} 至 ${m[2]} 之间`],
  [/^must have from (\d+) to (\d+) items$/, (m) => `须有 ${m[1]} 至 ${m[2]} 项`],
  [/^must be one of: (.*)$/, (m) => `须为以下之一：${m[1]}`],
  [/^must be after (\w+)$/, () => '须晚于开始时间'],
  [/^must not be before (\w+)$/, () => '不能早于开始'],
];

function fieldLabel(name) {
  const l = document.querySelector(`label[for="f-${CSS.escape(name)}"]`);
  return l ? l.firstChild.textContent : name;
}

export function fieldMessage(text) {
  for (const [re, fn] of FIELD_MESSAGES) {
    const m = re.exec(text);
    if (m) return fn(m);
  }
  return text;
}

// Field errors of a 400 placed beside the fields (ids "f-<field>"); returns
// whether any was placed.
export function showFieldErrors(form, err) {
  clearFieldErrors(form);
  const errors = (err && err.problem && err.problem.errors) || [];
  let first = null;
  for (const e of errors) {
    const input = form.querySelector(`[name="${CSS.escape(e.field)}"]`);
    const slot = form.querySelector(`#err-${CSS.escape(e.field)}`);
    if (!input || !slot) continue;
    slot.textContent = fieldMessage(e.message);
    input.setAttribute('aria-invalid', 'true');
    first = first || input;
  }
  if (first) first.focus();
  return Boolean(first);
}

export function clearFieldErrors(form) {
  for (const s of form.querySelectorAll('.field-error')) s.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
}

// One labelled field with its error slot. spec: {name, label, type, options,
// required, value, min, max, hint}
export function field(spec) {
  const id = `f-${spec.name}`;
  const common = {
    id,
    name: spec.name,
    required: spec.required,
    'aria-describedby': `err-${spec.name}${spec.hint ? ` hint-${spec.name}` : ''}`,
  };
  let input;
  if (spec.type === 'select') {
    input = h(
      'select',
      common,
      spec.options.map(([v, t]) => h('option', { value: v, selected: String(spec.value) === String(v) }, t)),
    );
  } else if (spec.type === 'textarea') {
    input = h('textarea', { ...common, rows: 3, maxlength: spec.max }, spec.value || '');
  } else {
    input = h('input', {
      ...common,
      type: spec.type || 'text',
      value: spec.value,
      min: spec.min,
      max: spec.max,
      maxlength: spec.type ? undefined : spec.maxlength,
      autocomplete: spec.autocomplete || 'off',
    });
  }
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input,
    spec.hint ? h('small', { id: `hint-${spec.name}`, class: 'hint' }, spec.hint) : null,
    h('span', { id: `err-${spec.name}`, class: 'field-error' }),
  );
}

export function today(offsetDays = 0) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + offsetDays * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

// A table with a header row; on a phone each row becomes a block whose
// cells carry their column name (data-label).
export function table(head, rows, cls) {
  for (const row of rows) {
    [...row.children].forEach((td, i) => td.setAttribute('data-label', head[i]));
  }
  return h(
    'table',
    { class: cls },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows),
  );
}
