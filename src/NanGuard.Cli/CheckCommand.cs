using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Cli.Fixing;
using NanGuard.Cli.Loading;
using NanGuard.Cli.Reporting;
using CompileErrors = NanGuard.Cli.Reporting.CompileErrors;

namespace NanGuard.Cli;

/// <summary><c>nanguard check</c>: load, analyze, optionally fix and write, report, and choose the exit code.</summary>
public sealed class CheckCommand
{
    private readonly TextWriter output;
    private readonly TextWriter errors;
    private bool quiet;

    /// <summary>A command writing reports to <paramref name="output"/> and progress and errors to <paramref name="errors"/>.</summary>
    public CheckCommand(TextWriter output, TextWriter errors)
    {
        this.output = output;
        this.errors = errors;
    }

    /// <summary>The tool's version, from its assembly's informational version.</summary>
    public static string Version { get; } =
        (typeof(CheckCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        new NanGuardCommandLine(Version, RunCheckAsync).InvokeAsync(args, output, errors, cancellationToken);

    private async Task<int> RunCheckAsync(CheckOptions options, CancellationToken cancellationToken)
    {
        quiet = options.Quiet;
        try
        {
            return await CheckAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException error)
        {
            errors.WriteLine("nanguard: " + error.Message);
            return ExitCodes.UsageError;
        }
        catch (LoadFailedException error)
        {
            errors.WriteLine($"nanguard: could not load {options.Path}:");
            errors.WriteLine("  " + error.Message.Replace(Environment.NewLine, Environment.NewLine + "  ", StringComparison.Ordinal));
            return ExitCodes.LoadOrWriteError;
        }
    }

    private async Task<int> CheckAsync(CheckOptions options, CancellationToken cancellationToken)
    {
        var target = Target.Resolve(options.Path);
        // The first line comes before anything slow (the analyzers, MSBuild, the compilations), so a run is never silent.
        Progress($"loading {target.Path}{(target.Kind == TargetKind.ProjectOrSolution ? " with MSBuild" : "")}...");
        var engine = new NanGuardEngine();
        var clock = Stopwatch.StartNew();

        using var loaded = await LoadAsync(target, cancellationToken).ConfigureAwait(false);
        var solution = loaded.Solution;
        var projects = solution.Projects.Where(p => p.Language == LanguageNames.CSharp).ToList();
        foreach (var project in projects)
        {
            if (!await NanGuardEngine.SeesTorchSharpAsync(project, cancellationToken).ConfigureAwait(false))
                Progress($"{project.Name} does not reference TorchSharp (or is not restored: run 'dotnet restore'); nothing to check in it");
        }

        var fixedFiles = 0;
        if (options.Fix)
        {
            Progress($"fixing {Describe(projects.Count, "project")}...");
            var fixedSolution = await new SolutionFixer(engine).FixAsync(solution, options.IncludesRule, Progress, cancellationToken).ConfigureAwait(false);
            var (written, failed) = await WriteAsync(solution, fixedSolution, options.FixReadOnly, cancellationToken).ConfigureAwait(false);
            fixedFiles = written;
            if (failed)
                return ExitCodes.LoadOrWriteError;
            solution = fixedSolution;
        }

        Progress($"analyzing {Describe(projects.Count, "project")}...");
        var (diagnostics, compilerErrors) = await engine.AnalyzeWithCompilerErrorsAsync(solution, options.IncludesRule, cancellationToken).ConfigureAwait(false);
        var findings = diagnostics.Select(NanGuardEngine.ToFinding).ToList();
        var files = projects.SelectMany(p => p.Documents).Select(d => d.FilePath).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var compilation = CompileErrors.Summarize(compilerErrors, files);
        var exitCode = Threshold.ExitCode(findings, options.FailOn, compilation, options.AllowCompileErrors);
        var excluded = options.ExcludedRules.Order(StringComparer.Ordinal).ToList();
        var report = new CheckReport(target.BaseDirectory, findings, files.Count, loaded.TorchSharpSource, engine.Rules, fixedFiles,
            Environment.CurrentDirectory, compilation, excluded, exitCode);
        Progress($"done in {clock.Elapsed.TotalSeconds:0.0}s");

        // Never a silent pass: what did not compile is said on standard error, whatever the format and even with -q.
        foreach (var line in TextReport.CompileErrorLines(report))
            errors.WriteLine("nanguard: " + line);
        if (excluded.Count > 0)
            Progress($"rules left out (--exclude): {string.Join(", ", excluded)}");
        WriteReport(report, options);
        return exitCode;
    }

    private async Task<LoadedSolution> LoadAsync(Target target, CancellationToken cancellationToken)
    {
        if (target.Kind == TargetKind.ProjectOrSolution)
        {
            var (workspace, solution) = await MSBuildLoader.LoadAsync(target.Path, message => Warn(message), cancellationToken).ConfigureAwait(false);
            return new LoadedSolution(workspace, solution, "the TorchSharp each project references");
        }

        var files = target.Kind == TargetKind.File ? new[] { target.Path } : LooseFolderLoader.FindSourceFiles(target.Path);
        if (files.Count == 0)
            throw new UsageException($"no .cs files in {target.Path}");
        var torchSharp = TorchSharpLocator.Locate(TorchSharpLocator.PackagesFolder());
        Progress($"{Describe(files.Count, ".cs file")}; TorchSharp: {torchSharp.Description}");
        var adhoc = new AdhocWorkspace();
        try
        {
            return new LoadedSolution(adhoc, LooseFolderLoader.Load(adhoc, target.BaseDirectory, files, torchSharp.Reference, Progress), torchSharp.Description);
        }
        catch (InvalidDataException error)
        {
            adhoc.Dispose();
            throw new UsageException($"a file is not C# text ({error.Message})");
        }
    }

    private async Task<(int Written, bool Failed)> WriteAsync(Solution before, Solution after, bool fixReadOnly, CancellationToken cancellationToken)
    {
        // Every new text is computed before the first file is touched: a failure up to here changes nothing.
        var pending = new List<(string Path, byte[] Bytes)>();
        foreach (var id in SolutionFixer.ChangedDocuments(before, after))
        {
            var document = after.GetDocument(id);
            if (document?.FilePath is not { } path || !File.Exists(path))
                continue;
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var format = TextFileFormat.Detect(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
            pending.Add((path, format.Encode(text.ToString())));
        }
        cancellationToken.ThrowIfCancellationRequested();

        var files = pending.DistinctBy(p => p.Path).ToList();
        // The rename that makes a write atomic needs only the folder's permission: ask before replacing a read-only file.
        var readOnly = fixReadOnly ? new HashSet<string>() : files.Select(f => f.Path).Where(AtomicFileWriter.IsReadOnly).ToHashSet();
        foreach (var path in readOnly)
            errors.WriteLine($"nanguard: {path} is read-only: not fixed (the file is unchanged; --fix-read-only writes it)");
        var failures = AtomicFileWriter.ReplaceAll(files.Where(f => !readOnly.Contains(f.Path)));
        foreach (var (path, error) in failures)
            errors.WriteLine($"nanguard: could not write {path}: {error.Message} (the file is unchanged)");
        var written = files.Count - readOnly.Count - failures.Count;
        Progress($"fixed {Describe(written, "file")}");
        return (written, readOnly.Count > 0 || failures.Count > 0);
    }

    private void WriteReport(CheckReport report, CheckOptions options)
    {
        if (options.OutputFile is { } file)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(file));
            if (directory is not null)
                Directory.CreateDirectory(directory);
            using var stream = File.Create(file);
            WriteReport(report, options.Format, stream);
            errors.WriteLine(TextReport.Summary(report));
            return;
        }
        if (options.Format == ReportFormat.Text)
        {
            TextReport.Write(report, output);
            output.WriteLine("TorchSharp: " + report.TorchSharpSource);
            return;
        }
        using var buffer = new MemoryStream();
        WriteReport(report, options.Format, buffer);
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteReport(CheckReport report, ReportFormat format, Stream stream)
    {
        switch (format)
        {
            case ReportFormat.Json:
                JsonReport.Write(report, Version, stream);
                break;
            case ReportFormat.Sarif:
                SarifReport.Write(report, Version, stream);
                break;
            default:
                using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
                    TextReport.Write(report, writer);
                break;
        }
    }

    private void Progress(string message)
    {
        if (!quiet)
            errors.WriteLine("nanguard: " + message);
    }

    private void Warn(string message) => errors.WriteLine("nanguard: warning: " + message);

    private static string Describe(int count, string noun) => count + " " + (count == 1 ? noun : noun + "s");

    private sealed class LoadedSolution : IDisposable
    {
        private readonly Workspace workspace;

        public LoadedSolution(Workspace workspace, Solution solution, string torchSharpSource)
        {
            this.workspace = workspace;
            Solution = solution;
            TorchSharpSource = torchSharpSource;
        }

        public Solution Solution { get; }
        public string TorchSharpSource { get; }

        public void Dispose() => workspace.Dispose();
    }
}

/// <summary>A path the user gave that cannot be checked: missing, or not C#.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UsageException(string message) : base(message)
    {
    }
}

/// <summary>What a path names.</summary>
public enum TargetKind
{
    /// <summary>A folder of loose .cs files.</summary>
    Folder,
    /// <summary>One .cs file.</summary>
    File,
    /// <summary>A .csproj, .sln or .slnx, loaded through MSBuild.</summary>
    ProjectOrSolution,
}

/// <summary>The checked path, what it is, and the folder reports make paths relative to.</summary>
public sealed record Target(string Path, TargetKind Kind, string BaseDirectory)
{
    private static readonly string[] ProjectExtensions = { ".csproj", ".sln", ".slnx" };

    /// <summary>Decides what <paramref name="path"/> is; throws <see cref="UsageException"/> with a clear message when it cannot be checked.</summary>
    public static Target Resolve(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            return new Target(full, TargetKind.Folder, full);
        if (!File.Exists(full))
            throw new UsageException($"{path} does not exist");
        var extension = System.IO.Path.GetExtension(full);
        var folder = System.IO.Path.GetDirectoryName(full)!;
        if (ProjectExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
            return new Target(full, TargetKind.ProjectOrSolution, folder);
        if (string.Equals(extension, ".cs", StringComparison.OrdinalIgnoreCase))
            return new Target(full, TargetKind.File, folder);
        throw new UsageException($"{path} is not C#: give a folder, a .cs file, a .csproj, or a .sln/.slnx");
    }
}
