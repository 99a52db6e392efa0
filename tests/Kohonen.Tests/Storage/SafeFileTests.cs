using System.Diagnostics;

namespace Kohonen.Tests.Storage;

public sealed class SafeFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("safe-file-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Exception Fail(string reason) => new IOException(reason);

    private string MakeFifo(string name)
    {
        var path = Path.Combine(_folder, name);
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", path) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    [Fact]
    public void ARegularFileIsRead()
    {
        var path = Path.Combine(_folder, "a.txt");
        File.WriteAllText(path, "hello");

        Assert.Equal(SafeFile.Kind.Regular, SafeFile.KindOf(path));
        Assert.Equal("hello", SafeFile.ReadAllText(path, 100, Fail));
    }

    [Fact]
    public void AFifoIsRefusedWithoutBlocking()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "FIFOs are a Unix thing.");
        var fifo = MakeFifo("pipe");

        var e = Assert.Throws<IOException>(() => SafeFile.ReadAllBytes(fifo, 100, Fail));

        Assert.Equal(SafeFile.Kind.Fifo, SafeFile.KindOf(fifo));
        Assert.Contains("FIFO", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DevicesAndDirectoriesAreRefused()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "/dev/zero is a Unix device.");

        Assert.Equal(SafeFile.Kind.Device, SafeFile.KindOf("/dev/zero"));
        Assert.Contains("device", Assert.Throws<IOException>(() => SafeFile.ReadAllBytes("/dev/zero", 100, Fail)).Message, StringComparison.Ordinal);
        Assert.Contains("directory", Assert.Throws<IOException>(() => SafeFile.ReadAllBytes(_folder, 100, Fail)).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<IOException>(() => SafeFile.ReadAllBytes(Path.Combine(_folder, "no"), 100, Fail)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileLargerThanTheLimitIsRefusedBeforeItIsRead()
    {
        var path = Path.Combine(_folder, "big");
        File.WriteAllBytes(path, new byte[101]);

        var e = Assert.Throws<IOException>(() => SafeFile.ReadAllBytes(path, 100, Fail));

        Assert.Contains("101 bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(100, SafeFile.ReadAllBytes(path, 101, Fail).Length - 1);
    }

    [Fact]
    public void ANulInThePathIsRefused() =>
        Assert.Contains("NUL", Assert.Throws<IOException>(() => SafeFile.ReadAllBytes("a\0b", 100, Fail)).Message, StringComparison.Ordinal);

    [Fact]
    public void InvalidUtf8TextIsRefused()
    {
        var path = Path.Combine(_folder, "bad.txt");
        File.WriteAllBytes(path, [0x61, 0xFF, 0x62]);

        Assert.Contains("UTF-8", Assert.Throws<IOException>(() => SafeFile.ReadAllText(path, 100, Fail)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveInsideAcceptsAFileInTheFolderAndInASubfolder()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "root", "sub"));
        File.WriteAllText(Path.Combine(_folder, "root", "a.csv"), "1");
        File.WriteAllText(Path.Combine(_folder, "root", "sub", "b.csv"), "1");
        var root = Path.Combine(_folder, "root");

        Assert.Equal(Path.Combine(root, "a.csv"), SafeFile.ResolveInside(root, "a.csv"));
        Assert.Equal(Path.Combine(root, "sub", "b.csv"), SafeFile.ResolveInside(root, "sub/b.csv"));
        Assert.Equal(Path.Combine(root, "a.csv"), SafeFile.ResolveInside(root, "sub/../a.csv"));
    }

    [Fact]
    public void ResolveInsideRefusesEveryWayOut()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Symbolic links need privileges on Windows.");
        var root = Directory.CreateDirectory(Path.Combine(_folder, "root")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_folder, "outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "secret.csv"), "1");
        File.WriteAllText(Path.Combine(root, "inside.csv"), "1");
        File.CreateSymbolicLink(Path.Combine(root, "file-link.csv"), Path.Combine(outside, "secret.csv"));
        Directory.CreateSymbolicLink(Path.Combine(root, "dir-link"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "etcdir"), "/etc");
        File.CreateSymbolicLink(Path.Combine(root, "relative-link.csv"), "../outside/secret.csv");
        File.CreateSymbolicLink(Path.Combine(root, "inner-link.csv"), "inside.csv");
        Directory.CreateSymbolicLink(Path.Combine(root, "rootdir"), "/");

        Assert.Null(SafeFile.ResolveInside(root, "file-link.csv"));
        Assert.Null(SafeFile.ResolveInside(root, "dir-link/secret.csv"));
        Assert.Null(SafeFile.ResolveInside(root, "etcdir/passwd"));
        Assert.Null(SafeFile.ResolveInside(root, "rootdir/etc/passwd"));
        Assert.Null(SafeFile.ResolveInside(root, "relative-link.csv"));
        Assert.Null(SafeFile.ResolveInside(root, "../outside/secret.csv"));
        Assert.Null(SafeFile.ResolveInside(root, Path.Combine(outside, "secret.csv")));
        Assert.Null(SafeFile.ResolveInside(root, "missing.csv"));
        Assert.Null(SafeFile.ResolveInside(root, "."));
        Assert.Equal(Path.Combine(root, "inside.csv"), SafeFile.ResolveInside(root, "inner-link.csv"));
    }

    [Fact]
    public void ResolveInsideWorksWhenTheFolderItselfIsALink()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Symbolic links need privileges on Windows.");
        var real = Directory.CreateDirectory(Path.Combine(_folder, "real")).FullName;
        File.WriteAllText(Path.Combine(real, "a.csv"), "1");
        var link = Path.Combine(_folder, "link");
        Directory.CreateSymbolicLink(link, real);

        Assert.Equal(Path.Combine(real, "a.csv"), SafeFile.ResolveInside(link, "a.csv"));
    }
}
