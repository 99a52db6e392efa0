using System.Text;
using Parquet;
using Parquet.Schema;

namespace Kohonen.Distributed.Tests;

/// <summary>
/// A partition's rows, read on their own from a shared text or Parquet file, against the same rows
/// of the whole file read by the core's reader (the reference), for every way of cutting the file:
/// line ends of every kind, blank lines of ASCII and non-ASCII white space, a byte order mark, rows
/// found from a sparse index of row starts.
/// </summary>
public sealed class TableFilesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static void AssertSlice(DataMatrix whole, long first, DataMatrix part)
    {
        Assert.Equal(whole.Columns, part.Columns);
        Assert.Equal(whole.ColumnNames, part.ColumnNames);
        for (var r = 0; r < part.Rows; r++)
        {
            Assert.Equal(whole.Row((int)first + r).ToArray(), part.Row(r).ToArray());
        }
    }

    private static IEnumerable<(long First, int Rows)> Cuts(int total)
    {
        foreach (var count in new[] { 1, 2, 3, 7, total })
        {
            for (var p = 0; p < count; p++)
            {
                long first = (long)total * p / count, end = (long)total * (p + 1) / count;
                yield return (first, (int)(end - first));
            }
        }
    }

    [Theory]
    [InlineData(true, "\n", 1000)]
    [InlineData(true, "\r\n", 5)]
    [InlineData(false, "\r", 3)]
    [InlineData(false, "\n", 1)]
    public void Every_partition_of_a_text_file_reads_the_rows_the_whole_file_holds_there(bool header, string end, int maxOffsets)
    {
        var path = _folder.File("rows.csv");
        var random = new Random(5);
        var text = new StringBuilder();
        // Blank lines of white space only: ASCII, a no-break space, an ideographic space.
        string[] blanks = ["", "   ", "\t", "\u00A0", " \u3000 "];
        if (header)
        {
            text.Append(blanks[2]).Append(end).Append("name,b,\"a\",c").Append(end);
        }

        const int rows = 61;
        for (var r = 0; r < rows; r++)
        {
            text.Append($"é{r},{random.Next(-99, 99)}.{random.Next(1000)},{random.NextDouble()},{r % 7}").Append(end);
            if (random.Next(4) == 0)
            {
                text.Append(blanks[random.Next(blanks.Length)]).Append(end);
            }
        }

        File.WriteAllText(path, text.ToString().TrimEnd('\r', '\n'), new UTF8Encoding(encoderShouldEmitUTF8Identifier: header));
        string[] columns = header ? ["a", "c", "b"] : ["2", "3", "1"];
        var whole = CsvDataReader.Read(path, new CsvReadOptions { Columns = columns, Missing = MissingValuePolicy.Error }).Data;
        Assert.Equal(rows, whole.Rows);

        var shape = TableFiles.DescribeText(path, new TableReading { Columns = columns }, maxOffsets);
        Assert.Equal(rows, shape.Rows);
        Assert.Equal(header, shape.HasHeader);
        Assert.True(shape.RowOffsets.Length <= maxOffsets);
        foreach (var (first, count) in Cuts(rows))
        {
            var near = (int)Math.Min(first / shape.RowStride, shape.RowOffsets.Length - 1);
            var spec = new PartitionSpec
            {
                Path = path, FirstRow = first, Rows = count, TotalRows = rows,
                Reading = new TableReading { Columns = columns, HasHeader = shape.HasHeader, Delimiter = shape.Delimiter },
                SeekByte = shape.RowOffsets[near], SeekLine = shape.RowLines[near], SeekRow = near * shape.RowStride,
            };

            AssertSlice(whole, first, TableFiles.ReadText(path, spec));
        }
    }

    [Fact]
    public void A_bad_cell_is_named_by_its_line_in_the_whole_file()
    {
        var path = _folder.File("bad.csv");
        File.WriteAllText(path, "a,b\n\n1,2\n3,4\n\n\n5,x\n7,8\n");
        var shape = TableFiles.DescribeText(path, new TableReading(), maxOffsets: 1);
        var spec = new PartitionSpec
        {
            Path = path, FirstRow = 2, Rows = 2, TotalRows = 4,
            Reading = new TableReading { HasHeader = true, Delimiter = ',' },
            SeekByte = shape.RowOffsets[0], SeekLine = shape.RowLines[0], SeekRow = 0,
        };

        var error = Assert.Throws<DataFormatException>(() => TableFiles.ReadText(path, spec));

        Assert.StartsWith($"{path}, line 7, column 2 ('b'): 'x' is not a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_utf16_file_is_refused_naming_the_encoding()
    {
        var path = _folder.File("wide.csv");
        File.WriteAllText(path, "a,b\n1,2\n", Encoding.Unicode);

        var error = Assert.Throws<DataFormatException>(() => TableFiles.DescribeText(path, new TableReading()));

        Assert.Contains("UTF-16 or UTF-32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_partition_of_a_parquet_file_reads_the_rows_the_whole_file_holds_there()
    {
        var path = _folder.File("rows.parquet");
        var x = new DataField<long>("x");
        var y = new DataField<double?>("y");
        int[] groups = [5, 0, 1, 9, 4];
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(x, y), stream, cancellationToken: TestContext.Current.CancellationToken);
            var at = 0;
            foreach (var size in groups)
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync<long>(x, Enumerable.Range(at, size).Select(r => (long)r * r).ToArray().AsMemory());
                await group.WriteAsync<double>(y, Enumerable.Range(at, size).Select(r => (double?)(r / 3.0)).ToArray().AsMemory());
                at += size;
            }
        }

        var whole = (await ParquetDataReader.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken)).Data;
        var shape = await TableFiles.DescribeParquetAsync(path, new TableReading());
        Assert.Equal(groups.Sum(), shape.Rows);
        Assert.Equal(["x", "y"], shape.ColumnNames);
        foreach (var (first, count) in Cuts(shape.Rows))
        {
            var spec = new PartitionSpec { Path = path, FirstRow = first, Rows = count, TotalRows = shape.Rows, Reading = new TableReading() };
            AssertSlice(whole, first, await TableFiles.ReadParquetAsync(path, spec));
        }
    }
}
