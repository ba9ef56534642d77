using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using static NanGuard.Cli.Tests.Tool;

namespace NanGuard.Cli.Tests;

/// <summary>The command end to end in process, on loose folders (MSBuild paths are covered by the end-to-end tests).</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public async Task Folder_findings_are_listed_and_fail_the_run()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Loss.cs"), Buggy);
        var (code, output, errors) = await RunAsync("check", folder.Path);
        Assert.Equal(ExitCodes.FindingsRemain, code);
        Assert.Matches(@"Loss\.cs\(7,45\): warning NG1001: log of a softmax", output);
        Assert.Contains("1 warning", output);
        Assert.Contains("TorchSharp:", output);
        Assert.Contains("1 .cs file; TorchSharp:", errors);
    }

    [Fact]
    public async Task The_first_line_says_what_is_loading_and_stays_off_standard_output()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Loss.cs"), Buggy);
        var (_, output, errors) = await RunAsync("check", folder.Path, "--format", "json");
        Assert.Equal($"nanguard: loading {folder.Path}...", errors.Split(Environment.NewLine)[0]);
        Assert.DoesNotContain("loading", output);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(1, json.RootElement.GetProperty("summary").GetProperty("warnings").GetInt32());

        (_, _, errors) = await RunAsync("check", folder.Path, "-q");
        Assert.Equal("", errors);
    }

    [Fact]
    public async Task A_folder_without_cs_files_is_a_usage_error()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("README.md"), "no code here");
        var (code, output, errors) = await RunAsync("check", folder.Path, "-q");
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Equal($"nanguard: no .cs files in {folder.Path}", errors.Trim());
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Fix_leaves_a_read_only_file_unchanged_says_so_and_exits_with_3()
    {
        using var folder = new TempFolder();
        var locked = folder.File("Locked.cs");
        var open = folder.File("Open.cs");
        File.WriteAllText(locked, Buggy);
        File.WriteAllText(open, Buggy.Replace("class Loss", "class OpenLoss", StringComparison.Ordinal));
        MakeReadOnly(locked);
        var mode = ModeOf(locked);

        var (code, _, errors) = await RunAsync("check", folder.Path, "--fix", "-q");

        Assert.Equal(ExitCodes.LoadOrWriteError, code);
        Assert.Contains($"nanguard: {locked} is read-only: not fixed (the file is unchanged; --fix-read-only writes it)", errors);
        Assert.Equal(Buggy, File.ReadAllText(locked));
        Assert.Equal(mode, ModeOf(locked));
        Assert.True(File.GetAttributes(locked).HasFlag(FileAttributes.ReadOnly) || !OperatingSystem.IsWindows());
        // The writable file is fixed all the same, as a failed write leaves the others fixed.
        Assert.Contains("F.log_softmax(logits, 1)", File.ReadAllText(open));
        Assert.Equal(2, Directory.GetFiles(folder.Path).Length);
    }

    [Fact]
    public async Task Fix_read_only_writes_a_read_only_file_and_keeps_it_read_only()
    {
        using var folder = new TempFolder();
        var locked = folder.File("Locked.cs");
        File.WriteAllText(locked, Buggy);
        MakeReadOnly(locked);
        var mode = ModeOf(locked);

        var (code, output, errors) = await RunAsync("check", folder.Path, "--fix", "--fix-read-only", "-q");

        Assert.True(code == ExitCodes.Success, errors);
        Assert.Contains("fixed 1 file", output);
        Assert.Contains("F.log_softmax(logits, 1)", File.ReadAllText(locked));
        Assert.True(Fixing.AtomicFileWriter.IsReadOnly(locked));
        Assert.Equal(mode, ModeOf(locked));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public async Task Threshold_above_the_findings_passes()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Loss.cs"), Buggy);
        Assert.Equal(ExitCodes.Success, (await RunAsync("check", folder.Path, "--fail-on", "error", "-q")).Code);
    }

    [Fact]
    public async Task Editorconfig_severity_is_respected()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Loss.cs"), Buggy);
        File.WriteAllText(folder.File(".editorconfig"), "root = true\n\n[*.cs]\ndotnet_diagnostic.NG1001.severity = error\n");
        var (code, output, _) = await RunAsync("check", folder.Path, "-q", "--fail-on", "error");
        Assert.Equal(ExitCodes.FindingsRemain, code);
        Assert.Contains("error NG1001", output);

        File.WriteAllText(folder.File(".editorconfig"), "root = true\n\n[*.cs]\ndotnet_diagnostic.NG1001.severity = none\n");
        (code, output, _) = await RunAsync("check", folder.Path, "-q");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("no findings", output);
    }

    [Fact]
    public async Task Sarif_output_file_names_the_rules()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Loss.cs"), Buggy);
        var sarifPath = folder.File("out/report.sarif");
        var (code, _, _) = await RunAsync("check", folder.Path, "--format", "sarif", "-o", sarifPath, "-q");
        Assert.Equal(ExitCodes.FindingsRemain, code);
        using var sarif = JsonDocument.Parse(File.ReadAllText(sarifPath));
        var result = sarif.RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal("NG1001", result.GetProperty("ruleId").GetString());
        Assert.Equal("Loss.cs", result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
    }

    [Fact]
    public async Task Sarif_carries_where_the_value_came_from_as_related_locations()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Policy.cs"), """
            using TorchSharp;
            using static TorchSharp.torch;
            using F = TorchSharp.torch.nn.functional;

            class Policy
            {
                Tensor Probabilities(Tensor state) => F.softmax(state, 1);

                Tensor Loss(Tensor state) => -torch.log(Probabilities(state)).mean();
            }
            """);
        var sarifPath = folder.File("report.sarif");
        var (code, _, _) = await RunAsync("check", folder.Path, "--format", "sarif", "-o", sarifPath, "-q");
        Assert.Equal(ExitCodes.FindingsRemain, code);
        using var sarif = JsonDocument.Parse(File.ReadAllText(sarifPath));
        var result = sarif.RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal("NG1001", result.GetProperty("ruleId").GetString());
        Assert.Contains("returned by Policy.Probabilities", result.GetProperty("message").GetProperty("text").GetString());
        var related = result.GetProperty("relatedLocations")[0].GetProperty("physicalLocation");
        Assert.Equal("Policy.cs", related.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(7, related.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(12, related.GetProperty("region").GetProperty("startColumn").GetInt32());
    }

    [Theory]
    [InlineData(true, "\r\n")]
    [InlineData(false, "\n")]
    [InlineData(true, "\n")]
    [InlineData(false, "\r\n")]
    public async Task Fix_rewrites_the_file_keeping_encoding_and_line_endings(bool bom, string newline)
    {
        using var folder = new TempFolder();
        var path = folder.File("Loss.cs");
        var source = Buggy.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", newline, StringComparison.Ordinal) + newline;
        File.WriteAllBytes(path, (bom ? new byte[] { 0xEF, 0xBB, 0xBF } : Array.Empty<byte>()).Concat(Encoding.UTF8.GetBytes(source)).ToArray());

        var (code, output, _) = await RunAsync("check", folder.Path, "--fix", "-q");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("fixed 1 file", output);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(bom, bytes.Take(3).SequenceEqual(new byte[] { 0xEF, 0xBB, 0xBF }));
        var text = Encoding.UTF8.GetString(bytes.AsSpan(bom ? 3 : 0));
        Assert.Contains("F.log_softmax(logits, 1)", text);
        Assert.DoesNotContain("torch.log(", text);
        var lineBreaks = text.Count(c => c == '\n');
        Assert.Equal(newline == "\r\n" ? lineBreaks : 0, text.Split("\r\n").Length - 1);
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public async Task Fix_with_rule_only_fixes_that_rule()
    {
        using var folder = new TempFolder();
        var sample = File.ReadAllText(RepositoryFile("samples", "MnistSoftmaxLoss", "Buggy", "Program.cs"));
        File.WriteAllText(folder.File("Program.cs"), sample);

        var (code, output, _) = await RunAsync("check", folder.Path, "--fix", "--rule", "NG1001", "-q");
        Assert.Equal(ExitCodes.Success, code);
        var text = File.ReadAllText(folder.File("Program.cs"));
        Assert.Contains("F.log_softmax(logits, 1)", text);
        Assert.Contains("-(targets * torch.log(probabilities)).sum()", text);

        (code, output, _) = await RunAsync("check", folder.Path, "-q");
        Assert.Equal(ExitCodes.FindingsRemain, code);
        Assert.DoesNotContain("NG1001", output);
        Assert.Contains("NG1002", output);
    }

    [Fact]
    public async Task Missing_path_is_a_clear_message()
    {
        var (code, _, errors) = await RunAsync("check", "/no/such/folder");
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Equal("nanguard: /no/such/folder does not exist", errors.Trim());
    }

    [Fact]
    public async Task Not_csharp_is_a_clear_message()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("notes.txt"), "hello");
        var (code, _, errors) = await RunAsync("check", folder.File("notes.txt"));
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("is not C#", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task Binary_file_named_cs_is_a_clear_message()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("blob.cs"), new byte[] { 0x4D, 0x5A, 0, 0, 0, 1, 2, 0, 0, 0 });
        var (code, _, errors) = await RunAsync("check", folder.Path);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("not C# text", errors);
    }

    [Fact]
    public async Task Broken_project_is_a_clear_message()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Broken.csproj"), "<Project><Oops");
        var (code, _, errors) = await RunAsync("check", folder.File("Broken.csproj"), "-q");
        Assert.Equal(ExitCodes.LoadOrWriteError, code);
        Assert.Contains("could not load", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    private static void MakeReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
            File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.ReadOnly);
        else
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.True(Fixing.AtomicFileWriter.IsReadOnly(path));
    }

    private static UnixFileMode? ModeOf(string path) => OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);
}
