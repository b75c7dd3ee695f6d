// 工作日历 (the data administrator's calendar page) and the deadline calculator.
const calendar = {
  title: '工作日历', intro: '法定节假日与调休上班日，办件时限按工作日计算。可将某天改为工作日或休息日（须说明理由，记入审计），运行中办件的期限随之调整。',
  coverage: '覆盖范围', lastCovered: '覆盖至 {day}', notCovered: '未覆盖', years: '已覆盖年份', kind: '来源类型', source: '来源', loadedAt: '载入时间',
  kinds: { package: '软件包', schedule: '管理员载入' },
  incomplete: '{year} 年尚未覆盖：超出覆盖范围的时限按周一至周五估算，并标注“日历数据未覆盖”。',
  month: '月份', prev: '上月', next: '下月', today: '本月',
  weekdays: '一,二,三,四,五,六,日',
  working: '工作日', off: '休息日', holiday: '节假日', makeUp: '调休上班', override: '已调整',
  sources: { package: '软件包', schedule: '管理员载入', override: '管理员调整', weekdays: '平日', uncovered: '未覆盖' },
  day: '日期', markWorking: '设为工作日', markOff: '设为休息日', reason: '理由', reasonRequired: '请填写理由', changed: '{date} 已设为{what}',
  loadTitle: '载入年度安排', loadIntro: '国务院办公厅公布下一年度放假安排后、软件包更新前，可在此载入一个安排文件（JSON，格式如下；每个年份替换该年的安排，管理员单日调整保留）。',
  loadFile: '选择文件', loadButton: '载入', loaded: '已载入：{years}', badFile: '文件不是有效的 JSON：{e}',
  deadlineTitle: '期限计算', start: '起算日（受理日）', workingDays: '工作日数', compute: '计算', deadline: '期限', deadlineIs: '第 {n} 个工作日：{deadline}',
  startNote: '受理当日不计入，自次日起算（行政许可法 第八十二条）。',
}
export default calendar
