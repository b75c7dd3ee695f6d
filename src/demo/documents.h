// Small real documents for the demo city's case attachments: a one-page PDF made in code (a few
// hundred bytes, no binary file in the repository) whose lines may be Chinese — set in the
// standard CJK font STSong-Light (Adobe-GB1, UniGB-UCS2-H), which PDF viewers provide, so
// nothing is embedded.
//
// Pure functions: safe from many threads.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace zt::demo {

// A valid PDF 1.4 of one A4 page: `title` in large type, then `lines`. Characters outside the
// Basic Multilingual Plane are left out.
std::string demo_pdf(std::string_view title, std::span<const std::string> lines);

}  // namespace zt::demo
