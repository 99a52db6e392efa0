using System.Globalization;
using System.Text;

namespace Kohonen;

/// <summary>
/// Reads the header dictionary of a <c>.npy</c> file — a Python literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 2), }</c> — with a small parser, not a
/// pattern search: a key counts only at the top level of the dictionary, so text such as
/// <c>'shape': (1,)</c> inside another string does not win over the real entry. Strings, True, False,
/// None, whole numbers, tuples, lists and nested dictionaries are understood; a key given twice, an
/// unclosed string and trailing text are refused.
/// </summary>
internal sealed class NpyHeader
{
    private readonly string _text;
    private readonly string _sourceName;
    private int _at;

    private NpyHeader(string text, string sourceName)
    {
        _text = text;
        _sourceName = sourceName;
    }

    /// <summary>The dictionary's entries: a string, a bool, null, a whole number (as its digits), or a
    /// list of values (a tuple or a list).</summary>
    public static Dictionary<string, object?> Parse(string text, string sourceName)
    {
        var parser = new NpyHeader(text, sourceName);
        parser.Space();
        if (parser.Peek() != '{')
        {
            throw parser.Fail("it is not a dictionary");
        }

        var dict = parser.Dict();
        parser.Space();
        if (parser._at < parser._text.Length)
        {
            throw parser.Fail($"unexpected text after the dictionary at character {parser._at + 1}");
        }

        return dict;
    }

    private char Peek() => _at < _text.Length ? _text[_at] : '\0';

    private void Space()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
        {
            _at++;
        }
    }

    private DataFormatException Fail(string why) =>
        new($"{_sourceName}: the .npy header is not understood: {why}.", _sourceName);

    private void Expect(char c)
    {
        Space();
        if (Peek() != c)
        {
            throw Fail($"expected '{c}' at character {_at + 1}");
        }

        _at++;
    }

    private Dictionary<string, object?> Dict()
    {
        Expect('{');
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            Space();
            if (Peek() == '}')
            {
                _at++;
                return dict;
            }

            if (Peek() is not ('\'' or '"'))
            {
                throw Fail($"expected a quoted key at character {_at + 1}");
            }

            var key = String();
            Expect(':');
            if (!dict.TryAdd(key, Value()))
            {
                throw Fail($"the key '{key}' is given twice");
            }

            Space();
            if (Peek() == ',')
            {
                _at++;
            }
            else if (Peek() != '}')
            {
                throw Fail($"expected ',' or '}}' at character {_at + 1}");
            }
        }
    }

    private object? Value()
    {
        Space();
        var c = Peek();
        switch (c)
        {
            case '\'' or '"':
                return String();
            case '(':
                return Sequence('(', ')');
            case '[':
                return Sequence('[', ']');
            case '{':
                return Dict();
        }

        if (char.IsAsciiDigit(c) || c == '-')
        {
            var start = _at;
            _at++;
            while (char.IsAsciiDigit(Peek()) || Peek() == 'L')
            {
                _at++;
            }

            return new NpyNumber(_text[start.._at].TrimEnd('L'));
        }

        if (char.IsAsciiLetter(c))
        {
            var start = _at;
            while (char.IsAsciiLetterOrDigit(Peek()) || Peek() == '_')
            {
                _at++;
            }

            return _text[start.._at] switch
            {
                "True" => true,
                "False" => false,
                "None" => null,
                var name => throw Fail($"unknown name '{name}'"),
            };
        }

        throw Fail(_at < _text.Length ? $"unexpected '{c}' at character {_at + 1}" : "it ends too early");
    }

    private List<object?> Sequence(char open, char close)
    {
        Expect(open);
        var items = new List<object?>();
        while (true)
        {
            Space();
            if (Peek() == close)
            {
                _at++;
                return items;
            }

            items.Add(Value());
            Space();
            if (Peek() == ',')
            {
                _at++;
            }
            else if (Peek() != close)
            {
                throw Fail($"expected ',' or '{close}' at character {_at + 1}");
            }
        }
    }

    private string String()
    {
        var quote = _text[_at++];
        var builder = new StringBuilder();
        while (true)
        {
            if (_at >= _text.Length)
            {
                throw Fail("a string is not closed");
            }

            var c = _text[_at++];
            if (c == quote)
            {
                return builder.ToString();
            }

            if (c == '\\' && _at < _text.Length)
            {
                c = _text[_at++];
            }

            builder.Append(c);
        }
    }
}

/// <summary>A whole number in a <c>.npy</c> header, kept as its digits so that one too large for
/// any type is reported as written.</summary>
internal sealed record NpyNumber(string Digits)
{
    public bool TryGetInt64(out long value) =>
        long.TryParse(Digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public override string ToString() => Digits;
}
