using System;
using System.IO;
using System.Linq;
using System.Text;
using NanGuard.Cli.Fixing;
using Xunit;

namespace NanGuard.Cli.Tests;

public sealed class TextFileTests
{
    [Theory]
    [InlineData(true, "\r\n")]
    [InlineData(false, "\r\n")]
    [InlineData(true, "\n")]
    [InlineData(false, "\n")]
    public void Encoding_and_line_endings_survive_a_rewrite(bool bom, string newline)
    {
        var original = Bytes(bom, "a();" + newline + "b();" + newline);
        var format = TextFileFormat.Detect(original);
        Assert.Equal(bom, format.HasByteOrderMark);
        Assert.Equal(newline, format.LineEnding);

        // A fix writes its own line breaks; the file keeps its own.
        var rewritten = format.Encode("a();\nc();\r\nb();\n");
        Assert.Equal(Bytes(bom, string.Join(newline, "a();", "c();", "b();", "")), rewritten);
    }

    [Fact]
    public void Mixed_line_endings_are_left_as_written()
    {
        var format = TextFileFormat.Detect(Encoding.UTF8.GetBytes("a\r\nb\nc"));
        Assert.Null(format.LineEnding);
        Assert.Equal("x\r\ny\n", Encoding.UTF8.GetString(format.Encode("x\r\ny\n")));
    }

    [Fact]
    public void Utf16_with_bom_is_kept()
    {
        var encoding = new UnicodeEncoding(false, true);
        var original = encoding.GetPreamble().Concat(encoding.GetBytes("é\r\n")).ToArray();
        var format = TextFileFormat.Detect(original);
        Assert.Equal("\r\n", format.LineEnding);
        Assert.Equal(encoding.GetPreamble().Concat(encoding.GetBytes("ü\r\n")).ToArray(), format.Encode("ü\n"));
    }

    [Fact]
    public void Replace_writes_the_new_bytes_and_leaves_no_temp_file()
    {
        using var folder = new TempFolder();
        var path = folder.File("a.cs");
        File.WriteAllText(path, "old");
        AtomicFileWriter.Replace(path, Encoding.UTF8.GetBytes("new"));
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_failure_before_the_rename_leaves_the_file_as_it_was()
    {
        using var folder = new TempFolder();
        var path = folder.File("a.cs");
        File.WriteAllText(path, "old");
        string? temp = null;
        Assert.Throws<IOException>(() => AtomicFileWriter.Replace(path, Encoding.UTF8.GetBytes("new"), t =>
        {
            temp = t;
            Assert.Equal(folder.Path, Path.GetDirectoryName(t));
            Assert.Equal("new", File.ReadAllText(t));
            throw new IOException("disk pulled out");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.False(File.Exists(temp));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void ReplaceAll_leaves_each_file_old_or_fully_new()
    {
        using var folder = new TempFolder();
        var paths = Enumerable.Range(0, 3).Select(i => folder.File($"f{i}.cs")).ToArray();
        foreach (var p in paths)
            File.WriteAllText(p, "old " + Path.GetFileName(p));
        var failures = AtomicFileWriter.ReplaceAll(
            paths.Select(p => (p, Encoding.UTF8.GetBytes("new " + Path.GetFileName(p)))),
            temp => { if (temp.Contains("f1.cs", StringComparison.Ordinal)) throw new IOException("interrupted"); });

        Assert.Equal(paths[1], Assert.Single(failures).Path);
        Assert.Equal("new f0.cs", File.ReadAllText(paths[0]));
        Assert.Equal("old f1.cs", File.ReadAllText(paths[1]));
        Assert.Equal("new f2.cs", File.ReadAllText(paths[2]));
        Assert.Equal(3, Directory.GetFiles(folder.Path).Length);
    }

    private static byte[] Bytes(bool bom, string text) =>
        (bom ? new byte[] { 0xEF, 0xBB, 0xBF } : Array.Empty<byte>()).Concat(Encoding.UTF8.GetBytes(text)).ToArray();
}
