// 一网通办 (one-stop services): the portal's 办事大厅, the apply flow, 我的办件 and the console's
// worklists, case page and item management. Terms follow the glossary.
const services = {
  hall: '办事大厅', hallIntro: '查找政务服务事项，阅读办事指南，在线申办，进度随时可查。',
  searchPlaceholder: '事项名称、部门、类型、主题…', type: '事项类型', allTypes: '全部类型', department: '实施部门',
  allDepartments: '全部部门', found: '共 {n} 项', guide: '办事指南', apply: '在线申办', signInToApply: '登录后申办',
  backToHall: '返回办事大厅', code: '实施编码', version: '版本', applicant: '申请对象', kind: '办件类型',
  statutory: '法定办结时限', promised: '承诺办结时限', days: '{n} 个工作日', legalBasis: '设定依据', fees: '收费标准',
  noFee: '不收费', channels: '办理渠道', visits: '到现场次数', visitsN: '{n} 次', deliveries: '送达方式', lifeEvents: '主题',
  form: '申请表', materials: '申请材料', steps: '办理流程', required: '必需', optional: '非必需', fieldType: '类型',
  prefillable: '可预填', materialSource: '提交方式', fromRegistry: '免提交', upload: '需提交', onlineOnly: '本事项不支持网上申办',
  types: {
    licence: '行政许可', benefit: '行政给付', confirmation: '行政确认', levy: '行政征收', adjudication: '行政裁决',
    reward: '行政奖励', other_power: '其他行政权力', public_service: '公共服务',
  },
  applicants: { person: '自然人', entity: '法人', both: '自然人、法人' },
  kinds: { instant: '即办件', promised: '承诺件' },
  channelNames: { online: '网上办理', window: '窗口办理', post: '邮寄办理' },
  deliveryNames: { window: '窗口领取', courier: '快递送达' },
  states: {
    draft: '草稿', submitted: '待受理', correction: '待补正', in_review: '审查中', special: '特别程序', deciding: '待决定',
    decided: '已决定', concluded: '已办结', delivered: '已送达', not_accepted: '不予受理', withdrawn: '已撤回',
  },
  stepStates: {
    waiting: '待签收', claimed: '办理中', approved: '同意', rejected: '不同意', returned: '已退回', recalled: '已撤回', cancelled: '已取消',
  },
  actions: {
    file: '申报', submit: '提交', accept: '受理', not_accept: '不予受理', request_correction: '要求补正', answer_correction: '提交补正',
    withdraw: '撤回申请', return: '退回', recall: '撤回', transfer: '转办', start_special: '开始特别程序', end_special: '结束特别程序',
    decide: '作出决定', conclude: '办结', deliver: '送达', claim: '签收', complete: '办理环节',
  },
  specials: { hearing: '听证', inspection: '检验检测', expert_review: '专家评审', publicity: '公示' },
  decisions: { approve: '准予', deny: '不予' },
  // The apply flow
  applyTitle: '申办', consentTitle: '授权预填（告知承诺）',
  consentText: '经您授权，系统将从人口基础库等读取您的信息，预先填好申请表、免去相应材料。每一次读取都会记录，并在“我的数据被谁用了”中列出，注明本次办件编号。',
  consent: '我同意读取我的信息用于预填', noConsent: '不授权，自己填写', start: '开始填写', startNoConsent: '不预填，直接填写',
  prefilledFrom: '来自{dept} · {time}', notFound: '基础库中未查到，请填写', change: '修改', satisfied: '已免提交：由{dept}提供',
  notSatisfied: '基础库中未查到，请按补正要求提交', uploadNote: '请在下方上传',
  submit: '提交申请', save: '保存', submitted: '已提交，办件编号 {number}', fillRequired: '请填写{label}',
  confirmStep: '确认', formSection: '申请信息', materialsSection: '申请材料', numberIs: '办件编号：{number}',
  // A case
  myCases: '我的办件', myCasesIntro: '您提交的办件及其办理进度；需要您补正时，这里会告诉您补什么。', noCases: '暂无办件',
  number: '办件编号', item: '事项', progress: '办理进度', state: '状态', applicantName: '申请人', applicantKey: '证件号码',
  channel: '渠道', filedAt: '申请时间', acceptedAt: '受理时间', updatedAt: '更新时间', view: '查看', clock: '办理时限',
  statutoryDeadline: '法定期限', promisedDeadline: '承诺期限', remaining: '剩余 {n} 个工作日', overdue: '超期 {n} 个工作日',
  paused: '暂停计时', pausedDays: '已暂停 {n} 个工作日', notRunning: '受理后开始计时', calendarIncomplete: '日历数据未覆盖，按周一至周五估算',
  timeline: '办理过程', caseSteps: '审批环节', stepName: '环节', stepDept: '部门', stepState: '状态', claimedBy: '经办人',
  claimedAt: '签收时间', completedAt: '完成时间', opinion: '意见', asked: '需要您补正', answer: '提交补正', answered: '已提交补正',
  withdrawConfirm: '确定撤回该申请吗？撤回后办件终止。', withdrawn: '已撤回申请', result: '办理结果', decision: '决定',
  resultText: '结果内容', reason: '理由', delivery: '送达', actor: '操作人', at: '时间', what: '事项', values: '申请信息',
  // Staff
  window: '待受理', windowIntro: '网上提交、等待窗口受理的办件（受审分离：窗口受理，部门审批）。',
  departmentList: '待办', departmentIntro: '本部门当前环节等待签收或办理中的办件。', casePage: '办件详情',
  notAccept: '不予受理', requestCorrection: '要求补正', missing: '需补正的内容（每行一项）', claim: '签收', approve: '同意',
  reject: '不同意', return: '退回', transfer: '转办', targetDept: '转至部门', decide: '作出决定', conclude: '办结', deliver: '送达',
  method: '送达方式', address: '邮寄地址', tracking: '快递单号', startSpecial: '特别程序', endSpecial: '结束特别程序',
  specialKind: '特别程序类型', reasonRequired: '请填写理由', done: '已办理：{what}', actionsTitle: '办理',
  stateFilter: '状态', itemFilter: '事项编码', dueBefore: '法定期限不晚于', open: '打开',
  // Items
  items: '事项管理', itemsIntro: '本部门的政务服务事项：新建草稿、编辑、发布、停用；已发布的事项只能通过新版本修改，办件保留其申报时的版本。',
  newItem: '新建事项', editItem: '编辑事项', newVersion: '新版本', publish: '发布', retire: '停用', publishConfirm: '发布后公众即可查看并申办，确定发布吗？',
  retireConfirm: '停用后不再接受新的申请，已受理的办件继续办理。确定停用吗？', definition: '事项定义（JSON，字段见 API 文档）',
  openCode: '按实施编码打开', status: '状态', itemStatus: { draft: '草稿', published: '已发布', retired: '已停用' },
  publishedItems: '本部门已发布的事项', current: '当前版本', badJson: '事项定义不是有效的 JSON：{e}', template: '填入示例',
  // The applicant corrects a pre-filled value; the power and responsibility lists; punctuation
  // and progress (the API's plain words, per language).
  editValue: '修改', restoreValue: '恢复基础库值', editHint: '基础库信息如有误，可直接修改后提交；修改后的内容为您本人申报，原基础库值一并留存。',
  editedByApplicant: '申请人自行填报 · 原基础库值“{value}”来自{dept} · {time}', confirmValues: '核对并可修改申请信息',
  powerList: '权力清单', responsibilityList: '责任清单', powerIntro: '各部门依法实施的政务服务事项：权力清单列明事项类型与设定依据，责任清单列明实施部门及其法定、承诺办结时限。',
  chooseDepartment: '选择部门', powerCount: '共 {n} 项', responsibility: '办理责任', responsibilityText: '{dept}在{statutory}内依法办结（承诺{promised}）',
  listSep: '、', colon: '：', paren: '（{text}）', amount: '{amount} 元',
  progressText: {
    draft: '草稿：尚未提交', submitted: '已提交，等待窗口受理', correction: '需要补正：请按告知补充材料后提交', in_review: '已受理，审查中',
    special: '特别程序中（暂停计时）', deciding: '审查完毕，等待作出决定', decided_approve: '已作出准予决定', decided_deny: '已作出不予决定',
    concluded: '已办结，等待领取或寄送', delivered: '已送达', not_accepted: '不予受理', withdrawn: '已撤回',
  },
  // Reminders and what a department is shown of pre-filled values
  alerts: { warning: '预警', promised_overdue: '超承诺时限', overdue: '超期' },
  reminders: '催办与预警', remindersIntro: '系统按办结时限向承办部门发出的提醒：临近承诺期限预警、超过承诺时限、超过法定时限（超期）；每个办件每个环节每种提醒只发一次。',
  reminderKind: '提醒', reminderStep: '环节', reminderDeadline: '所涉期限', issuedAt: '发出时间', decisionStage: '作出决定',
  masked: '已脱敏', withheld: '不予显示', withheldReasons: { no_grant: '本部门对该资源无共享授权', field_not_granted: '共享授权不含此信息项', not_shared: '该资源不向本部门共享', no_department: '无所属部门', '': '' },
  disclosureNote: '来自基础库的数据按本部门的共享授权显示（脱敏或不予显示）；申请人填写的内容完整显示。',
  // Bundles (一件事一次办)
  bundles: '一件事一次办', bundlesIntro: '一件事，一次申请、一张表单、一套材料，多个部门并联办理。', bundle: '一件事',
  bundleGuide: '一件事指南', leadDept: '牵头部门', members: '包含事项', memberCount: '{n} 个事项', askedOnce: '多个事项共用，只填一次',
  sharedBy: '{n} 个事项共用', bundleApply: '一件事申办', bundleNumber: '一件事编号：{number}', bundleSubmitted: '已提交，一件事编号 {number}',
  bundleProgress: '总体进度', children: '各事项办理情况', myBundles: '我的一件事', withdrawAll: '整件撤回',
  withdrawAllConfirm: '确定撤回整个一件事申请吗？其中尚未作出决定的各事项将一并撤回。',
  bundleProgressText: { correction: '{n} 项事项需要补正：请按告知补充材料后提交', done: '已全部办结（共 {n} 项）', inProgress: '共 {n} 项，已办结 {ended} 项，{running} 项办理中' },
  bundleStates: { draft: '草稿', in_progress: '办理中', correction: '需要补正', done: '已全部办结', withdrawn: '已撤回' },
  // Attachments (办件附件)
  files: {
    title: '材料与结果文件', materials: '申请材料', results: '结果文件', none: '暂无文件', upload: '上传文件', uploadMore: '再传一份',
    uploading: '正在上传 {name}…', download: '下载', remove: '删除', removeConfirm: '确定删除 {name} 吗？', removed: '已删除 {name}',
    uploaded: '已上传 {name}', needed: '待上传', done: '已上传', fromRegistry: '免提交：由基础库提供', hash: 'SM3 校验值',
    tooLarge: '{name} 有 {size}，超过上限 {max}，请压缩或分页扫描后再传', badType: '{name} 不是 PDF、JPEG、PNG 或 OFD 文件',
    hint: '支持 PDF、JPEG、PNG、OFD，单个文件不超过 {max}', submittedTag: '已提交', pendingTag: '未提交',
    resultHint: '上传决定书等结果文件后作出决定；申请人在作出决定后可在“我的办件”中查看和下载。', resultChoose: '随决定送达的结果文件',
    uploadResult: '上传结果文件', show: '材料', missing: '请先上传：{names}',
  },
}
export default services
