// Small real files for the attachment tests: a valid one-page PDF with a line of ASCII text and a
// correct cross-reference table, and the first bytes of a PNG. Made in code, so the repository
// holds no binary test data.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

namespace zt::test {

inline std::string tiny_pdf(std::string_view text) {
  const std::string content = fmt::format("BT /F1 14 Tf 72 760 Td ({}) Tj ET\n", text);
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R "
      ">> >> /Contents 4 0 R >>",
      fmt::format("<< /Length {} >>\nstream\n{}endstream", content.size(), content),
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += fmt::format("{} 0 obj\n{}\nendobj\n", i + 1, objects[i]);
  }
  const std::size_t xref = pdf.size();
  pdf += fmt::format("xref\n0 {}\n0000000000 65535 f \n", objects.size() + 1);
  for (std::size_t at : offsets)
    pdf += fmt::format("{:010} 00000 n \n", at);
  return pdf + fmt::format("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n",
                           objects.size() + 1, xref);
}

// The PNG signature and the start of an IHDR chunk: enough for the content check.
inline std::string png_head() {
  return std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR\x00\x00\x00\x01\x00\x00\x00\x01", 24);
}

}  // namespace zt::test
