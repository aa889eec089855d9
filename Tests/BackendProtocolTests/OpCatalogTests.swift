import BackendProtocol
import Foundation
import Testing

/// Op, attribute and dtype ids are written down once, in Swift; the C header plugins include is
/// generated from them and must not drift.
@Suite struct OpCatalogTests {
  @Test func theCheckedInHeaderIsTheGeneratedOne() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let header = try String(
      contentsOf: root.appendingPathComponent("include/plexus_ops.h"), encoding: .utf8)
    #expect(
      header == OpCatalog.cHeader(), "regenerate: plexus ops --c-header > include/plexus_ops.h")
  }

  @Test func idsAndNamesAreUnique() {
    #expect(Set(OpCode.allCases.map(\.description)).count == OpCode.allCases.count)
    #expect(Set(AttributeName.allCases.map(\.description)).count == AttributeName.allCases.count)
    for op in OpCode.allCases { #expect(OpCode(name: op.description) == op) }
    // A few ids pinned: plugins built against an older header must keep working.
    #expect(OpCode.matmul.rawValue == 140 && OpCode.adamUpdate.rawValue == 221)
    #expect(OpCode.randomUniform.rawValue == 160 && OpCode.oneHot.rawValue == 116)
    #expect(AttributeName.axes.rawValue == 1 && AttributeName.depth.rawValue == 24)
    #expect(OpCatalog.cHeader().contains("PX_OP_SCATTER_ADD = 114,"))
    #expect(OpCatalog.cHeader().contains("PX_ATTR_BETA_1 = 16, /* \"beta_1\" */"))
  }
}
