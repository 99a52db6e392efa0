using System.Text;

namespace Kohonen;

/// <summary>
/// Reads lines (ended by \n, \r\n or \r, as <see cref="TextReader.ReadLine"/> does) but refuses one
/// longer than a limit while reading it, so that a file with one enormous line never has to fit in
/// memory.
/// </summary>
internal sealed class BoundedLineReader
{
    private readonly TextReader _reader;
    private readonly int _maxChars;
    private readonly Func<int, Exception> _tooLong;
    private readonly char[] _buffer = new char[1 << 15];
    private int _position;
    private int _length;
    private int _lineNumber;

    /// <param name="reader">The text.</param>
    /// <param name="maxChars">The longest line allowed.</param>
    /// <param name="tooLong">The exception for a longer line, given its 1-based number.</param>
    public BoundedLineReader(TextReader reader, int maxChars, Func<int, Exception> tooLong)
    {
        _reader = reader;
        _maxChars = maxChars;
        _tooLong = tooLong;
    }

    /// <summary>The next line without its end, or null at the end of the text.</summary>
    public string? ReadLine()
    {
        _lineNumber++;
        StringBuilder? partial = null;
        while (true)
        {
            if (_position == _length && !Fill())
            {
                return partial?.ToString();
            }

            var span = _buffer.AsSpan(_position, _length - _position);
            var end = span.IndexOfAny('\r', '\n');
            if (end < 0)
            {
                partial ??= new StringBuilder();
                if (partial.Length + span.Length > _maxChars)
                {
                    throw _tooLong(_lineNumber);
                }

                partial.Append(span);
                _position = _length;
                continue;
            }

            if ((partial?.Length ?? 0) + end > _maxChars)
            {
                throw _tooLong(_lineNumber);
            }

            var line = partial is null ? new string(span[..end]) : partial.Append(span[..end]).ToString();
            var newline = span[end];
            _position += end + 1;
            if (newline == '\r' && (_position < _length || Fill()) && _buffer[_position] == '\n')
            {
                _position++;
            }

            return line;
        }
    }

    private bool Fill()
    {
        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }
}
