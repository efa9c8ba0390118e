#include "tools/common/markdown.h"

#include "gtest/gtest.h"

namespace wasp {
namespace {

TEST(FactsTableTest, NameValueRowsUnderAnEmptyHeader) {
  EXPECT_EQ(FactsTable({{"cores", "2"}, {"CPU", "AMD EPYC"}}),
            "| | |\n| --- | --- |\n| cores | 2 |\n| CPU | AMD EPYC |\n");
}

TEST(TableTest, HeadWithAlignmentAndRows) {
  EXPECT_EQ(TableHead({"name", "us"}, {false, true}),
            "| name | us |\n| --- | ---: |\n");
  EXPECT_EQ(TableRow({"fork", "969"}), "| fork | 969 |\n");
}

TEST(ConsoleSectionTest, FromStartUpToStop) {
  constexpr char kText[] =
      "TSC: 2445.4 MHz\n\nFig. 4: echo server\nmain 0.00\n\n"
      "CSV written to data\nmore\n";
  EXPECT_EQ(ConsoleSection(kText, "Fig. 4:", "CSV written"),
            "Fig. 4: echo server\nmain 0.00\n\n");
  // No stop line: to the end, the last line's newline kept or added.
  EXPECT_EQ(ConsoleSection(kText, "CSV written", "Fig. 4:"),
            "CSV written to data\nmore\n");
  EXPECT_EQ(ConsoleSection("a\nfigure  us/op\nfig 8  2", "figure"),
            "figure  us/op\nfig 8  2\n");
  EXPECT_EQ(ConsoleSection("x\ntype a\ntype b\n`end\n", "type ", "`"),
            "type a\ntype b\n");
  // The start line itself does not stop the section, the next such does.
  EXPECT_EQ(ConsoleSection("x 1\ny\nx 2\n", "x", "x"), "x 1\ny\n");
  EXPECT_EQ(ConsoleSection(kText, "Table 1:", "CSV written"), "");
}

}  // namespace
}  // namespace wasp
