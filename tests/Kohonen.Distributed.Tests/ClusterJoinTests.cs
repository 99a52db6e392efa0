using StackExchange.Redis;

namespace Kohonen.Distributed.Tests;

/// <summary>Why joining a cluster failed, in the user's terms.</summary>
public sealed class ClusterJoinTests
{
    [Fact]
    public void Redis_refusing_is_said_as_such_without_its_clients_advice()
    {
        var refused = new InvalidOperationException("Orleans could not start.",
            new RedisConnectionException(ConnectionFailureType.UnableToConnect, "It was not possible to connect to the redis server(s). To allow this multiplexer to continue retrying until it's able to connect, use abortConnect=false in your connection string or AbortOnConnectFail=false; in your code."));

        var why = KohonenCluster.Explain(refused);

        Assert.Equal("Redis did not accept a connection (UnableToConnect).", why);
    }

    [Fact]
    public void Another_failure_keeps_its_own_message() =>
        Assert.Equal("The gateway list is empty.", KohonenCluster.Explain(new InvalidOperationException("The gateway list is empty.")));
}
