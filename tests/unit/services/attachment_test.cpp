// Attachments' pure rules: the content sniffing behind the allow-list (PDF, JPEG, PNG and OFD
// by their leading bytes and, for OFD, the ZIP package's central directory), file names, and
// the Content-Disposition of a download with a Chinese name (RFC 5987).
#include "services/attachment.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace zt::services {
namespace {

void put16(std::string& s, unsigned v) {
  s.push_back(char(v & 0xFF));
  s.push_back(char((v >> 8) & 0xFF));
}
void put32(std::string& s, unsigned v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}

// A ZIP package of stored (uncompressed) entries, `comment` after the end record.
std::string zip(const std::vector<std::pair<std::string, std::string>>& entries,
                const std::string& comment = "") {
  std::string out, central;
  for (const auto& [name, data] : entries) {
    const unsigned offset = unsigned(out.size());
    out += "PK\x03\x04";
    put16(out, 20), put16(out, 0), put16(out, 0), put16(out, 0), put16(out, 0);
    put32(out, 0), put32(out, unsigned(data.size())), put32(out, unsigned(data.size()));
    put16(out, unsigned(name.size())), put16(out, 0);
    out += name + data;
    central += "PK\x01\x02";
    put16(central, 20), put16(central, 20), put16(central, 0), put16(central, 0);
    put16(central, 0), put16(central, 0);
    put32(central, 0), put32(central, unsigned(data.size())), put32(central, unsigned(data.size()));
    put16(central, unsigned(name.size())), put16(central, 0), put16(central, 0);
    put16(central, 0), put16(central, 0), put32(central, 0), put32(central, offset);
    central += name;
  }
  const unsigned cd_offset = unsigned(out.size());
  out += central;
  out += "PK\x05\x06";
  put16(out, 0), put16(out, 0);
  put16(out, unsigned(entries.size())), put16(out, unsigned(entries.size()));
  put32(out, unsigned(central.size())), put32(out, cd_offset);
  put16(out, unsigned(comment.size()));
  return out + comment;
}

TEST(AttachmentSniff, KnowsEachAllowedTypeByItsLeadingBytes) {
  EXPECT_EQ(sniff("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"), ContentType::kPdf);
  EXPECT_EQ(sniff(std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF", 10)), ContentType::kJpeg);
  EXPECT_EQ(sniff(std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16)), ContentType::kPng);
  const std::string ofd = zip({{"OFD.xml", "<ofd:OFD/>"}, {"Doc_0/Document.xml", "<x/>"}});
  EXPECT_EQ(sniff(ofd), ContentType::kOfd);
  // OFD.xml need not come first, and the end record may carry a comment.
  EXPECT_EQ(sniff(zip({{"Doc_0/Document.xml", "<x/>"}, {"OFD.xml", "<o/>"}}, "made by a test")),
            ContentType::kOfd);
}

TEST(AttachmentSniff, RefusesEverythingElse) {
  EXPECT_EQ(sniff(""), std::nullopt);
  EXPECT_EQ(sniff("%PDF"), std::nullopt);  // too short for the signature
  EXPECT_EQ(sniff(" %PDF-1.7"), std::nullopt);
  EXPECT_EQ(sniff("hello, this is text"), std::nullopt);
  EXPECT_EQ(sniff("MZ\x90\x00"), std::nullopt);                // an executable
  EXPECT_EQ(sniff("\x89PNG\r\n\x1A"), std::nullopt);           // a PNG signature cut short
  EXPECT_EQ(sniff(std::string("\xFF\xD8", 2)), std::nullopt);  // a JPEG's first two bytes
  EXPECT_EQ(sniff(zip({{"word/document.xml", "<w/>"}})), std::nullopt);  // a .docx, not OFD
  EXPECT_EQ(sniff(zip({{"Doc/OFD.xml", "<o/>"}})), std::nullopt);        // not at the root
  // A ZIP whose end record points past the file, or whose directory is cut off.
  std::string broken = zip({{"OFD.xml", "<o/>"}});
  broken[broken.size() - 6] = '\x7F';  // the directory's offset
  EXPECT_EQ(sniff(broken), std::nullopt);
  const std::string ofd = zip({{"OFD.xml", "<o/>"}});
  EXPECT_EQ(sniff(ofd.substr(0, ofd.size() - 3)), std::nullopt);
  EXPECT_EQ(sniff("PK\x03\x04"), std::nullopt);
}

TEST(AttachmentFileName, KeepsRealNamesAndRefusesPathsAndControls) {
  EXPECT_EQ(checked_file_name("收入证明.pdf"), "收入证明.pdf");
  EXPECT_EQ(checked_file_name("scan 2026-12-07 (1).jpg"), "scan 2026-12-07 (1).jpg");
  EXPECT_EQ(checked_file_name(""), std::nullopt);
  EXPECT_EQ(checked_file_name(".htaccess"), std::nullopt);
  EXPECT_EQ(checked_file_name("../etc/passwd"), std::nullopt);
  EXPECT_EQ(checked_file_name("a\\b.pdf"), std::nullopt);
  EXPECT_EQ(checked_file_name("a\r\nSet-Cookie: x.pdf"), std::nullopt);
  EXPECT_EQ(checked_file_name("\xE6\x94"), std::nullopt);  // cut UTF-8
  EXPECT_EQ(checked_file_name(std::string(256, 'a')), std::nullopt);
}

TEST(AttachmentDownload, NamesAChineseFileByRfc5987) {
  EXPECT_EQ(content_disposition("收入证明.pdf"),
            "attachment; filename=\"____.pdf\"; "
            "filename*=UTF-8''%E6%94%B6%E5%85%A5%E8%AF%81%E6%98%8E.pdf");
  EXPECT_EQ(content_disposition("a \"b\".png"),
            "attachment; filename=\"a _b_.png\"; filename*=UTF-8''a%20%22b%22.png");
}

}  // namespace
}  // namespace zt::services
