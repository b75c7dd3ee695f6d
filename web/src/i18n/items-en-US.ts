// The item editor in English (typed against items-zh-CN.ts).
import type zh from './items-zh-CN'

const itemEditor: typeof zh = {
  statusFilter: 'Status', allStatus: 'All statuses', inForce: 'Version {v} in force', noneInForce: 'None in force', latest: 'Latest version',
  basics: 'Basics', name: 'Item name', department: 'Department', purpose: 'Purpose of data reads', purposeHint: 'Why the registries are read: audited and shown to the applicant; empty means "to handle" and the item name',
  limits: 'Time limits (working days)', channels: 'Channels', visits: 'Visits needed', visits0: 'None (all online)', visits1: 'At most one',
  lifeEvents: 'Topics (life events)', lifeEventsHint: 'Type and press Enter', fees: 'Fees', feeName: 'Fee', feeAmount: 'Amount (yuan)',
  addFee: 'Add a fee', form: 'Form fields', key: 'Key', label: 'Label', type: 'Type', required: 'Required', options: 'Options',
  optionsHint: 'Type and press Enter', prefill: 'Pre-filled from (registry attribute)', resource: 'Resource code', field: 'Field', none: 'Not pre-filled',
  addField: 'Add a field', materials: 'Materials', materialName: 'Material', source: 'Source', sourceUpload: 'Uploaded by the applicant',
  sourceRegistry: 'Not needed (from the registry)', addMaterial: 'Add a material', steps: 'Steps (after acceptance)', stepName: 'Step',
  departments: 'Departments', parallel: 'Parallel', parallelHint: 'Several departments make a parallel approval: done when all approve, rejected when one rejects',
  share: 'Share of the limit (%)', shareTotal: 'Shares add up to {n}% (at most 100%)', addStep: 'Add a step', remove: 'Remove', saveDraft: 'Save the draft',
  saveNewVersion: 'Save as a new version (draft)', newVersionNote: 'This item is {status}: saving makes a draft of version {v}; once published it replaces the version in force, and accepted cases keep theirs.',
  fixField: 'Please correct what is marked: {detail}', notSaved: 'Unsaved changes',
}
export default itemEditor
