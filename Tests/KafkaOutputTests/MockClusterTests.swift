import KafkaOutput
import Testing

@Suite struct MockClusterTests {
    @Test func startsAndReportsBootstrap() throws {
        let cluster = try MockKafkaCluster(brokers: 2)
        #expect(cluster.bootstrapServers.split(separator: ",").count == 2)
        #expect(throws: KafkaError.self) { try MockKafkaCluster(brokers: 0) }
    }
}
