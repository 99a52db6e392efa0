namespace Kohonen.Tracking.Tests;

public sealed class RunIdFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("run-id-file-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void ARunIdOnOneLineIsRead() =>
        Assert.Equal("0123456789abcdef0123456789abcdef", RunIdFile.Read(Write("id", "0123456789abcdef0123456789abcdef\n")));

    [Fact]
    public void APasswordFileIsRefusedWithoutPrintingIt()
    {
        var path = Write("passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");

        var message = Assert.Throws<TrackingException>(() => RunIdFile.Read(path)).Message;

        Assert.Equal($"The run id file '{path}' is not a run id file: it has 2 lines; it must hold one run id on one line.", message);
    }

    [Fact]
    public void TheRealPasswordFileIsRefusedWithoutPrintingIt()
    {
        Assert.SkipUnless(File.Exists("/etc/passwd"), "No /etc/passwd here.");

        var message = Assert.Throws<TrackingException>(() => RunIdFile.Read("/etc/passwd")).Message;

        Assert.DoesNotContain("root", message, StringComparison.Ordinal);
        Assert.StartsWith("The run id file '/etc/passwd' is not a run id file: ", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a b", "characters a run id does not")]
    [InlineData("secret:value", "characters a run id does not")]
    [InlineData("", "is empty")]
    public void OneLineThatIsNotARunIdIsRefused(string content, string reason)
    {
        var message = Assert.Throws<TrackingException>(() => RunIdFile.Read(Write("id", content))).Message;

        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.True(content.Length == 0 || !message.Contains(content, StringComparison.Ordinal));
    }

    [Fact]
    public void ALongLineOrALargeFileIsRefusedByItsLength()
    {
        Assert.Contains("its line has 200 characters", Assert.Throws<TrackingException>(() => RunIdFile.Read(Write("long", new string('a', 200)))).Message, StringComparison.Ordinal);
        Assert.Contains("is not a run id file: it has 5000 bytes", Assert.Throws<TrackingException>(() => RunIdFile.Read(Write("big", new string('a', 5000)))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DevZeroAndAFolderAreRefusedAtOnce()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix only.");

        Assert.Contains("a device", Assert.Throws<TrackingException>(() => RunIdFile.Read("/dev/zero")).Message, StringComparison.Ordinal);
        Assert.Contains("a directory", Assert.Throws<TrackingException>(() => RunIdFile.Read(_folder)).Message, StringComparison.Ordinal);
    }
}
