using System;
using System.Text;

namespace NanGuard.Cli.Fixing;

/// <summary>How a file was stored: its encoding (with or without a byte order mark) and its line ending.</summary>
public sealed record TextFileFormat(Encoding Encoding, string? LineEnding)
{
    private static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Encoding Utf8Bom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>True when the file starts with a byte order mark, which a rewrite keeps.</summary>
    public bool HasByteOrderMark => Encoding.GetPreamble().Length > 0;

    /// <summary>
    /// Reads the format of a file's bytes: a UTF-8/UTF-16 byte order mark if there is one (else UTF-8 without one),
    /// and the line ending when every line uses the same one (null when the file mixes them or has a single line).
    /// </summary>
    public static TextFileFormat Detect(ReadOnlySpan<byte> bytes)
    {
        var encoding = bytes switch
        {
            [0xEF, 0xBB, 0xBF, ..] => Utf8Bom,
            [0xFF, 0xFE, ..] => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            [0xFE, 0xFF, ..] => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            _ => Utf8NoBom,
        };
        var text = Decode(bytes, encoding);
        return new TextFileFormat(encoding, DetectLineEnding(text));
    }

    /// <summary>The text of <paramref name="bytes"/>, without the byte order mark.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, Encoding encoding)
    {
        var preamble = encoding.GetPreamble();
        if (preamble.Length > 0 && bytes.StartsWith(preamble))
            bytes = bytes[preamble.Length..];
        return encoding.GetString(bytes);
    }

    /// <summary><c>"\r\n"</c> or <c>"\n"</c> when all line breaks agree; null when mixed or none.</summary>
    public static string? DetectLineEnding(string text)
    {
        int crlf = 0, lf = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n')
                continue;
            if (i > 0 && text[i - 1] == '\r')
                crlf++;
            else
                lf++;
        }
        return (crlf, lf) switch
        {
            ( > 0, 0) => "\r\n",
            (0, > 0) => "\n",
            _ => null,
        };
    }

    /// <summary>
    /// <paramref name="text"/> as this file stores it: every line break the fix wrote becomes the file's own line
    /// ending (a file that mixed them keeps the text as the fix produced it), then encoded with the file's encoding and
    /// its byte order mark if it had one.
    /// </summary>
    public byte[] Encode(string text)
    {
        if (LineEnding is not null)
            text = NormalizeLineEndings(text, LineEnding);
        var preamble = Encoding.GetPreamble();
        var body = Encoding.GetBytes(text);
        var bytes = new byte[preamble.Length + body.Length];
        preamble.CopyTo(bytes, 0);
        body.CopyTo(bytes, preamble.Length);
        return bytes;
    }

    /// <summary>Replaces every CRLF, lone CR and lone LF in <paramref name="text"/> with <paramref name="lineEnding"/>.</summary>
    public static string NormalizeLineEndings(string text, string lineEnding)
    {
        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                    i++;
                builder.Append(lineEnding);
            }
            else if (c == '\n')
            {
                builder.Append(lineEnding);
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
