#include "http/access_log.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdio>
#include <string>

namespace zt::http {
namespace {

TEST(AccessLog, IdNumbersInTheTargetAreMasked) {
  EXPECT_EQ(mask_id_numbers("/api/v1/registry/persons/330302198001010019"),
            "/api/v1/registry/persons/330302********0019");
  EXPECT_EQ(mask_id_numbers("/api/v1/resources/330300-GA-0001/records/11010519491231002X?x=1"),
            "/api/v1/resources/330300-GA-0001/records/110105********002X?x=1");
  EXPECT_EQ(mask_id_numbers("/r?id_number=330302198001010019&name=%E6%9D%8E"),
            "/r?id_number=330302********0019&name=%E6%9D%8E");
  EXPECT_EQ(mask_id_numbers("/a/330302198001010019,330302198505050022"),
            "/a/330302********0019,330302********0022");
}

TEST(AccessLog, OtherNumbersAreLeftAlone) {
  for (const char* target : {"/api/v1/resources/330300-GA-0001/records?limit=50",
                             "/x/3303021980010100191",  // 19 digits
                             "/x/33030219800101001",    // 17 digits
                             "/x/a330302198001010019",  // part of a longer token
                             "/x?cursor=ab330302198001010019cd"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(mask_id_numbers(target), target);
  }
}

TEST(AccessLog, TheWrittenLineCarriesTheMaskedTarget) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    AccessLog log(fileno(file), true);
    log.write({.request_id = "r1",
               .method = "GET",
               .target = "/api/v1/registry/persons/330302198001010019",
               .route = "/api/v1/registry/persons/{key}",
               .status = 200});
  }
  std::rewind(file);
  std::string line(4096, '\0');
  line.resize(std::fread(line.data(), 1, line.size(), file));
  std::fclose(file);
  const boost::json::value v = boost::json::parse(line);
  EXPECT_EQ(v.at("target"), "/api/v1/registry/persons/330302********0019");
  EXPECT_EQ(line.find("19800101"), std::string::npos);
}

}  // namespace
}  // namespace zt::http
