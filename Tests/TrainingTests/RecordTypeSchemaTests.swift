import Foundation
import TestSupport
import Testing
import Training

/// The run log's record types are declared once (RecordType): the published schema
/// describes exactly those, so a type added to the program and forgotten in the
/// schema, or the other way round, fails here.
@Suite struct RecordTypeSchemaTests {
    @Test func theSchemaDescribesEveryRecordTypeAndNoOther() throws {
        let url = Fixtures.packageRoot.appendingPathComponent("schema/run-log.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let branches = try #require(schema["allOf"] as? [[String: Any]])
        var described: [String] = []
        for branch in branches {
            let type = ((branch["if"] as? [String: Any])?["properties"] as? [String: Any])?["type"] as? [String: Any]
            if let name = type?["const"] as? String { described.append(name) }
            described += type?["enum"] as? [String] ?? []
            #expect(branch["then"] != nil, "each record type has its definition")
        }
        #expect(described.sorted() == RecordType.allCases.map(\.rawValue).sorted())
    }
}
