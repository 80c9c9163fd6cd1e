import Spool
import Testing

@Suite struct SpoolEntryTests {
    @Test func keepsIdAndPayload() {
        let e = SpoolEntry(id: 7, payload: [1, 2])
        #expect(e.id == 7 && e.payload == [1, 2])
    }
}
