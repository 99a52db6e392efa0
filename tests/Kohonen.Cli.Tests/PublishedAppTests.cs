using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Kohonen.Cli.Tests;

/// <summary>The app as it ships: <c>dotnet publish</c> output, started as `kohonen serve` on a real port
/// (as the container does), asked /health and /kohonen, checked by `kohonen healthcheck`, stopped with SIGTERM.</summary>
public partial class PublishedAppTests : ScratchFolder
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Kohonen.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("The tests run outside the repository.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task<(int Code, string Output)> RunAsync(string file, string[] args, string workingDirectory, Dictionary<string, string>? environment = null) =>
        ProcessRun.RunAsync(file, args, workingDirectory, environment?.ToDictionary(e => e.Key, e => (string?)e.Value));

    [Fact]
    public async Task ThePublishedAppServesHealthAndTheColourDemoOnItsPort()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGTERM is a POSIX signal.");
        var token = TestContext.Current.CancellationToken;
        var app = PathOf("app");
        var (published, log) = await RunAsync("dotnet", ["publish", Path.Combine(RepositoryRoot(), "src", "Kohonen.Cli", "Kohonen.Cli.csproj"), "-c", "Release", "-o", app, "--no-restore", "-v", "q"], Folder);
        Assert.True(published == 0, log);
        Assert.True(File.Exists(Path.Combine(app, "kohonen.dll")));

        var port = FreePort();
        var environment = new Dictionary<string, string> { ["KOHONEN_DATA"] = PathOf("data"), ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Folder };
        start.ArgumentList.Add(Path.Combine(app, "kohonen.dll"));
        start.ArgumentList.Add("serve");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var server = Process.Start(start)!;
        var serverOutput = server.StandardError.ReadToEndAsync(token);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            HttpResponseMessage? health = null;
            for (var i = 0; i < 300 && health?.StatusCode != HttpStatusCode.OK; i++)
            {
                try
                {
                    health = await client.GetAsync("/health", token);
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (health?.StatusCode != HttpStatusCode.OK)
                {
                    await Task.Delay(100, token);
                }
            }

            Assert.Equal(HttpStatusCode.OK, health?.StatusCode);
            Assert.Equal("application/json", health!.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"status\":\"healthy\"", await health.Content.ReadAsStringAsync(token), StringComparison.Ordinal);

            var picture = await client.GetAsync("/kohonen?input_size=10&width=20&height=20&iterations=100&seed=1", token);
            Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
            Assert.Equal("image/png", picture.Content.Headers.ContentType?.MediaType);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await picture.Content.ReadAsByteArrayAsync(token))[..4]);

            var (healthy, answer) = await RunAsync("dotnet", [Path.Combine(app, "kohonen.dll"), "healthcheck"], Folder, environment);
            Assert.True(healthy == 0, answer);
            var (unhealthy, _) = await RunAsync("dotnet", [Path.Combine(app, "kohonen.dll"), "healthcheck", "--url", $"http://127.0.0.1:{FreePort()}/health"], Folder);
            Assert.Equal(1, unhealthy);
        }
        finally
        {
            kill(server.Id, 15);
            await server.WaitForExitAsync(token);
        }

        Assert.True(server.ExitCode == 0, await serverOutput);
        Assert.Contains("kohonen serve: stopped.", await serverOutput, StringComparison.Ordinal);
    }
}
