namespace Kohonen.Cli.Tests;

/// <summary>The multicore JIT's startup profiles: where they go, when they are off, and that the
/// `kohonen` process writes one per command without its answers depending on it.</summary>
public sealed class JitProfileTests : ScratchFolder
{
    private static Dictionary<string, string?> Variables(params (string Name, string? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    [Theory]
    [InlineData("train", "train.jitprofile")]
    [InlineData("serve", "serve.jitprofile")]
    [InlineData("healthcheck", "healthcheck.jitprofile")]
    [InlineData("--version", "other.jitprofile")]
    [InlineData("../../etc/passwd", "other.jitprofile")]
    [InlineData("Train", "other.jitprofile")]
    public void EachCommandHasItsProfileAndAnythingElseShares(string first, string file)
    {
        Assert.Equal(file, JitProfile.FileName([first, "--data", "x.csv"]));
        Assert.Equal("other.jitprofile", JitProfile.FileName([]));
    }

    [Fact]
    public void EveryCommandOfTheToolHasAProfileOfItsOwn()
    {
        // The profile starts before the command tree is built, so it keeps its own list of names.
        var root = CliApp.Create(new CliConsole(new StringWriter(), new StringWriter(), interactive: false, TextReader.Null), new Settings.CliEnvironment(Folder, new Dictionary<string, string?>()));

        Assert.Equal(root.Subcommands.Select(c => c.Name).Order(StringComparer.Ordinal), JitProfile.Commands.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheFolderIsTheUsersCacheUnlessChosenOrTurnedOff()
    {
        Assert.Equal("/home/ada/.cache/kohonen/jit", JitProfile.Folder(Variables(("HOME", "/home/ada")), windows: false));
        Assert.Equal("/var/cache/ada/kohonen/jit", JitProfile.Folder(Variables(("HOME", "/home/ada"), ("XDG_CACHE_HOME", "/var/cache/ada")), windows: false));
        // A relative XDG_CACHE_HOME is invalid by its specification: the default is used.
        Assert.Equal("/home/ada/.cache/kohonen/jit", JitProfile.Folder(Variables(("HOME", "/home/ada"), ("XDG_CACHE_HOME", "cache")), windows: false));
        Assert.Equal("/srv/jit", JitProfile.Folder(Variables(("HOME", "/home/ada"), ("KOHONEN_JIT_CACHE", "/srv/jit")), windows: false));
        Assert.Equal(Path.Combine(@"C:\Users\ada\AppData\Local", "kohonen", "jit"), JitProfile.Folder(Variables(("LOCALAPPDATA", @"C:\Users\ada\AppData\Local")), windows: true));
        foreach (var off in new[] { "off", "OFF", "0", "false", "no", "none" })
        {
            Assert.Null(JitProfile.Folder(Variables(("HOME", "/home/ada"), ("KOHONEN_JIT_CACHE", off)), windows: false));
        }

        Assert.Null(JitProfile.Folder(Variables(), windows: false));
    }

    /// <summary>`kohonen` as a process, without the test process's cache settings.</summary>
    private Task<(int Code, string Output)> KohonenAsync(Dictionary<string, string?> environment, params string[] args) =>
        ProcessRun.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "kohonen.dll"), .. args], Folder,
            new Dictionary<string, string?>(environment) { ["XDG_CACHE_HOME"] = null, ["LOCALAPPDATA"] = null, ["KOHONEN_JIT_CACHE"] = environment.GetValueOrDefault("KOHONEN_JIT_CACHE") });

    [Fact]
    public async Task TheProcessWritesTheCommandsProfileAndGivesTheSameModelWithOrWithoutIt()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "The cache folder is taken from HOME here.");
        string[] train = ["train", "--width", "6", "--height", "5", "--iterations", "5", "--seed", "3", "--no-plots", "--no-track", "-q"];
        var home = Directory.CreateDirectory(PathOf("home")).FullName;
        var environment = new Dictionary<string, string?> { ["HOME"] = home, ["SOM_SAMPLES"] = "50", ["SOM_INPUT_DIM"] = "3" };

        var first = await KohonenAsync(environment, [.. train, "--out", "first.som"]);
        Assert.True(first.Code == 0, first.Output);
        var profile = Path.Combine(home, ".cache", "kohonen", "jit", "train.jitprofile");
        Assert.True(new FileInfo(profile).Length > 0, "no profile was written");

        // The second run starts from the profile; a run with the cache off writes none.
        var second = await KohonenAsync(environment, [.. train, "--out", "second.som"]);
        Assert.True(second.Code == 0, second.Output);
        var offHome = Directory.CreateDirectory(PathOf("off-home")).FullName;
        var off = await KohonenAsync(new(environment) { ["HOME"] = offHome, ["KOHONEN_JIT_CACHE"] = "off" }, [.. train, "--out", "off.som"]);
        Assert.True(off.Code == 0, off.Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(offHome));

        // A cache folder that cannot be made (its parent is a file) costs nothing but the head start.
        File.WriteAllText(PathOf("a-file"), "not a folder");
        var blocked = await KohonenAsync(new(environment) { ["KOHONEN_JIT_CACHE"] = Path.Combine(PathOf("a-file"), "jit") }, [.. train, "--out", "blocked.som"]);
        Assert.True(blocked.Code == 0, blocked.Output);

        var bytes = File.ReadAllBytes(PathOf("first.som"));
        Assert.Equal(bytes, File.ReadAllBytes(PathOf("second.som")));
        Assert.Equal(bytes, File.ReadAllBytes(PathOf("off.som")));
        Assert.Equal(bytes, File.ReadAllBytes(PathOf("blocked.som")));
    }
}
