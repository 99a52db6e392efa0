namespace Kohonen.Tests.Data;

public sealed class CsvLimitsTests
{
    private static DataFormatException Refusal(string text) =>
        Assert.Throws<DataFormatException>(() => CsvDataReader.Read(new StringReader(text), "x.csv"));

    [Fact]
    public void ALineWithMoreFieldsThanTheLimitIsRefusedWithItsLine()
    {
        var wide = string.Join(',', Enumerable.Repeat("1", CsvDataReader.MaxColumns + 1));

        var e = Refusal("1,2\n" + wide + "\n");

        Assert.Equal(2, e.Line);
        Assert.Equal($"x.csv, line 2: more than 65536 fields; a line may have at most 65536.", e.Message);
    }

    [Fact]
    public void ALineOfExactlyTheLimitIsRead()
    {
        var wide = string.Join(',', Enumerable.Repeat("1", CsvDataReader.MaxColumns));

        var data = CsvDataReader.Read(new StringReader(wide + "\n" + wide), "x.csv");

        Assert.Equal(2, data.Data.Rows);
        Assert.Equal(65_536, data.Data.Columns);
    }

    [Fact]
    public void AnEnormousLineIsRefusedBeforeItIsHeldWhole()
    {
        var e = Refusal("1,2\n3," + new string('4', CsvDataReader.MaxLineChars) + "\n");

        Assert.Equal(2, e.Line);
        Assert.Contains("longer than 16777216 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AControlCharacterInAHeaderNameIsRefused()
    {
        var e = Refusal("a,b\u001b[31m\n1,2\n");

        Assert.Equal("x.csv, line 1, column 2: the column name contains a control character; names may not.", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void TheBoundedLineReaderSplitsLinesAsTextReaderDoes(int seed)
    {
        // Texts longer than the reader's buffer, so that line ends (\r\n too) fall on its boundaries.
        var random = new Random(seed);
        var alphabet = new[] { 'a', 'b', '\r', '\n', ',' };
        var text = new string([.. Enumerable.Range(0, 200_000).Select(_ => alphabet[random.Next(random.Next(2) == 0 ? 2 : alphabet.Length)])]);
        var expected = new List<string>();
        using (var reference = new StringReader(text))
        {
            while (reference.ReadLine() is { } line)
            {
                expected.Add(line);
            }
        }

        var actual = new List<string>();
        var bounded = new BoundedLineReader(new StringReader(text), int.MaxValue, _ => new InvalidOperationException());
        while (bounded.ReadLine() is { } line)
        {
            actual.Add(line);
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void TheBoundedLineReaderHandlesACarriageReturnOnTheBufferBoundary()
    {
        var text = new string('a', (1 << 15) - 1) + "\r\nb\r";
        var bounded = new BoundedLineReader(new StringReader(text), int.MaxValue, _ => new InvalidOperationException());

        Assert.Equal(new string('a', (1 << 15) - 1), bounded.ReadLine());
        Assert.Equal("b", bounded.ReadLine());
        Assert.Null(bounded.ReadLine());
    }

    [Fact]
    public void AFifoIsRefusedAsADataFile()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix only.");
        var folder = Directory.CreateTempSubdirectory("csv-fifo-").FullName;
        try
        {
            var fifo = Path.Combine(folder, "d.csv");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
            {
                mkfifo.WaitForExit();
            }

            Assert.Contains("FIFO", Assert.Throws<DataFormatException>(() => CsvDataReader.Read(fifo)).Message, StringComparison.Ordinal);
            Assert.Contains("FIFO", Assert.Throws<DataFormatException>(() => NpyFile.Read(fifo)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
