// Every calendar route is documented as the module template asks: what it does, who may call it
// (public, or calendar.manage) and its error codes, under the calendar tag.
#include "audit/module.h"
#include "calendar/module.h"
#include "core/crypto_openssl.h"
#include "db/database.h"

#include <gtest/gtest.h>

namespace zt::calendar {
namespace {

TEST(CalendarRouteDocs, EveryOperationSaysWhatWhoAndErrors) {
  auto db = db::Database::open("sqlite::memory:", {});
  ASSERT_TRUE(db.ok());
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::Module audit(**db, crypto, clock, {.chain_key = std::string(audit::kChainKeySize, 'a')},
                      {}, {});
  Module calendar(**db, audit.log(), clock);
  http::Router router;
  calendar.add_routes(router);
  EXPECT_EQ(router.routes().size(), 5u);
  for (const auto& route : router.routes()) {
    SCOPED_TRACE(std::string(http::method_name(route->method)) + " " + route->pattern);
    const http::RouteDoc& doc = route->doc;
    EXPECT_FALSE(doc.summary.empty());
    EXPECT_NE(doc.description.find("Who:"), std::string::npos);
    EXPECT_NE(doc.description.find("Errors"), std::string::npos);
    EXPECT_EQ(doc.tag, "calendar");
    const bool manage = route->options.permission == "calendar.manage";
    EXPECT_EQ(manage, route->options.access != http::Access::kPublic);
    EXPECT_NE(doc.description.find(manage ? "calendar.manage" : "public"), std::string::npos);
  }
}

}  // namespace
}  // namespace zt::calendar
