using System.Text;

namespace Kohonen.Distributed;

/// <summary>
/// Walks a UTF-8 text file's lines as bytes, without decoding or splitting them, with the CSV
/// reader's rules: a line ends at \n, \r\n or \r, and a line of white space only is blank (not a
/// row). It tells where each non-blank line starts and its 1-based line number, so that rows can be
/// counted, and found again, at the speed of reading the file.
/// </summary>
internal sealed class CsvLineScanner
{
    private static readonly bool[] AsciiSpace = [.. Enumerable.Range(0, 128).Select(c => char.IsWhiteSpace((char)c))];

    /// <summary>The most bytes of a line kept to decide whether it is blank when it holds only white
    /// space and non-ASCII characters (a longer one is taken as a row; the reader refuses it).</summary>
    private const int MaxUndecidedBytes = 1 << 20;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly List<byte> _undecided = [];
    private int _at;
    private int _length;

    /// <param name="stream">The file, read from <paramref name="position"/> on.</param>
    /// <param name="position">The byte a line starts at.</param>
    /// <param name="line">That line's 1-based number.</param>
    public CsvLineScanner(Stream stream, long position, long line)
    {
        _stream = stream;
        _stream.Position = position;
        Position = position;
        Line = line;
    }

    /// <summary>The byte the next line starts at.</summary>
    public long Position { get; private set; }

    /// <summary>The 1-based number of the line that starts at <see cref="Position"/>.</summary>
    public long Line { get; private set; }

    /// <summary>A scanner at the file's first line (after a UTF-8 byte order mark).</summary>
    /// <exception cref="DataFormatException">The file is UTF-16 or UTF-32 text.</exception>
    public static CsvLineScanner AtStart(Stream stream, string path)
    {
        Span<byte> head = stackalloc byte[4];
        stream.Position = 0;
        var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        head = head[..read];
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            throw new DataFormatException($"{path}: the file is UTF-16 or UTF-32 text; a cluster reads UTF-8 (or ASCII) text files: save it as UTF-8.", path);
        }

        return new CsvLineScanner(stream, head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0, 1);
    }

    /// <summary>Moves past the next non-blank line (and the blank ones before it).</summary>
    /// <param name="start">Where the non-blank line starts.</param>
    /// <param name="line">Its 1-based line number.</param>
    /// <param name="end">Where it ends (before its line end).</param>
    /// <returns>False at the end of the file (no line left).</returns>
    public bool NextRow(out long start, out long line, out long end)
    {
        while (true)
        {
            start = Position;
            line = Line;
            if (!NextLine(out var blank, out end))
            {
                return false;
            }

            if (!blank)
            {
                return true;
            }
        }
    }

    /// <summary>Moves past the next line; false when the file ends before one starts.</summary>
    private bool NextLine(out bool blank, out long end)
    {
        var started = false;
        var text = false;
        _undecided.Clear();
        while (true)
        {
            if (_at == _length && !Fill())
            {
                end = Position;
                blank = !text && IsBlank();
                if (started)
                {
                    Line++;
                }

                return started;
            }

            started = true;
            var b = _buffer[_at];
            if (b is (byte)'\n' or (byte)'\r')
            {
                end = Position;
                _at++;
                Position++;
                if (b == '\r' && (_at < _length || Fill()) && _buffer[_at] == '\n')
                {
                    _at++;
                    Position++;
                }

                Line++;
                blank = !text && IsBlank();
                return true;
            }

            if (!text)
            {
                if (b < 0x80)
                {
                    text = !AsciiSpace[b];
                }
                else if (_undecided.Count < MaxUndecidedBytes)
                {
                    _undecided.Add(b);
                }
                else
                {
                    text = true;
                }
            }

            _at++;
            Position++;
        }
    }

    /// <summary>Whether the line's non-ASCII characters (it had no ASCII text) are all white space.</summary>
    private bool IsBlank() => _undecided.Count == 0 || string.IsNullOrWhiteSpace(Encoding.UTF8.GetString([.. _undecided]));

    private bool Fill()
    {
        _length = _stream.Read(_buffer, 0, _buffer.Length);
        _at = 0;
        return _length > 0;
    }
}
