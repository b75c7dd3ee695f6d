// 事项管理's editor (the item definition as a form) and its list: terms follow the glossary and
// docs/service-items.md.
const itemEditor = {
  statusFilter: '状态', allStatus: '全部状态', inForce: '生效版本 {v}', noneInForce: '无生效版本', latest: '最新版本',
  basics: '基本信息', name: '事项名称', department: '实施部门', purpose: '数据使用用途', purposeHint: '读取基础库数据的用途，记入审计并向申请人展示；留空则为“办理＋事项名称”',
  limits: '办结时限（工作日）', channels: '办理渠道', visits: '到现场次数', visits0: '0 次（全程网办）', visits1: '最多 1 次',
  lifeEvents: '主题（人生事件）', lifeEventsHint: '输入后回车添加', fees: '收费', feeName: '收费项目', feeAmount: '金额（元）',
  addFee: '添加收费项目', form: '申请表字段', key: '字段键', label: '显示名称', type: '类型', required: '必填', options: '可选值',
  optionsHint: '输入后回车添加', prefill: '预填来源（基础库属性）', resource: '资源代码', field: '信息项', none: '不预填',
  addField: '添加字段', materials: '申请材料', materialName: '材料名称', source: '来源', sourceUpload: '申请人上传',
  sourceRegistry: '免提交（取自基础库）', addMaterial: '添加材料', steps: '办理环节（受理之后）', stepName: '环节名称',
  departments: '办理部门', parallel: '并联', parallelHint: '选择多个部门即为并联审批：全部同意方通过，一个不同意即不通过',
  share: '时限占比（%）', shareTotal: '占比合计 {n}%（不超过 100%）', addStep: '添加环节', remove: '删除', saveDraft: '保存草稿',
  saveNewVersion: '保存为新版本（草稿）', newVersionNote: '该事项已{status}：保存后生成版本 {v} 草稿，发布后替换现行版本，已受理的办件保留原版本。',
  fixField: '请修改标出的内容：{detail}', notSaved: '有未保存的修改',
}
export default itemEditor
