// A small real PDF made in code for the upload steps (one page, a line of ASCII text, a correct
// cross-reference table): the repository holds no binary test files.
export function tinyPdf(text) {
  const content = `BT /F1 14 Tf 72 760 Td (${text}) Tj ET\n`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let pdf = '%PDF-1.4\n'
  const offsets = []
  objects.forEach((o, i) => {
    offsets.push(pdf.length)
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`
  })
  const xref = pdf.length
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const at of offsets) pdf += `${String(at).padStart(10, '0')} 00000 n \n`
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(pdf, 'latin1')
}

/** Uploads `bytes` to a case's attachments through the API, as `token`. */
export async function uploadAttachment(base, token, number, query, bytes, type = 'application/pdf') {
  const r = await fetch(`${base}/api/v1/services/cases/${number}/attachments?${new URLSearchParams(query)}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type, Accept: 'application/json' }, body: bytes,
  })
  const text = await r.text()
  if (!r.ok) throw new Error(`upload to ${number}: ${r.status} ${text}`)
  return JSON.parse(text)
}
