using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace NanGuard.Cli.Loading;

/// <summary>
/// Builds a solution from <c>.cs</c> files that have no project: one project per folder that holds a <c>.csproj</c>
/// (so programs side by side do not clash), one for the rest; the .NET runtime's assemblies and TorchSharp as
/// references; every <c>.editorconfig</c> from the files' folders up to the one marked <c>root = true</c>; and the
/// global usings the SDK would generate for the nearest project at or above each group (<see cref="SdkUsings"/>), in a
/// document of their own that no report counts as a file.
/// </summary>
public static class LooseFolderLoader
{
    private static readonly string[] SkippedFolders = { "bin", "obj", "node_modules" };

    /// <summary>The C# files under <paramref name="folder"/>, skipping build output and hidden folders.</summary>
    public static IReadOnlyList<string> FindSourceFiles(string folder)
    {
        var files = new List<string>();
        Collect(new DirectoryInfo(folder), files);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>The name of the document that holds a group's SDK usings; it has no file path.</summary>
    public const string GlobalUsingsDocument = "NanGuard.GlobalUsings.g.cs";

    /// <summary>
    /// A solution holding <paramref name="files"/>, grouped by the project folder each lies in;
    /// <paramref name="notes"/> hears which project's global usings each group gets.
    /// </summary>
    public static Solution Load(AdhocWorkspace workspace, string baseFolder, IReadOnlyList<string> files, MetadataReference torchSharp, Action<string>? notes = null)
    {
        var references = RuntimeReferences().Append(torchSharp).ToList();
        var solution = workspace.CurrentSolution;
        foreach (var group in files.GroupBy(file => ProjectFolder(file, baseFolder)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(group.Key.TrimEnd(Path.DirectorySeparatorChar));
            var projectId = ProjectId.CreateNewId(name);
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var compilationOptions = new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable);
            solution = solution.AddProject(ProjectInfo.Create(
                projectId, VersionStamp.Create(), name, name, LanguageNames.CSharp,
                filePath: Path.Combine(group.Key, name + ".csproj"),
                compilationOptions: compilationOptions,
                parseOptions: parseOptions,
                metadataReferences: references));
            foreach (var file in group)
            {
                SourceText text;
                using (var stream = File.OpenRead(file))
                    text = SourceText.From(stream, throwIfBinaryDetected: true);
                solution = solution.AddDocument(DocumentId.CreateNewId(projectId, file), Path.GetFileName(file), text, filePath: file);
            }
            if (SdkUsings.For(group.Key) is { Directives.Count: > 0 } usings)
            {
                notes?.Invoke($"{Path.GetRelativePath(baseFolder, group.Key)}: {usings.Directives.Count} global usings from {usings.ProjectFile}"
                    + (usings.Implicit ? " (ImplicitUsings: the SDK's implicit usings)" : ""));
                // No file path: the SDK writes it under obj/, and no report counts or fixes it.
                solution = solution.AddDocument(DocumentId.CreateNewId(projectId, GlobalUsingsDocument), GlobalUsingsDocument, SourceText.From(usings.Source));
            }
            foreach (var config in EditorConfigs(group))
                solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId, config), ".editorconfig", SourceText.From(File.ReadAllText(config)), filePath: config);
        }
        return solution;
    }

    /// <summary>The nearest folder at or above <paramref name="file"/>'s, and within <paramref name="baseFolder"/>, that holds a project file.</summary>
    public static string ProjectFolder(string file, string baseFolder)
    {
        var root = Path.GetFullPath(baseFolder);
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(file)); dir is not null && dir.StartsWith(root, StringComparison.Ordinal); dir = Path.GetDirectoryName(dir))
        {
            if (Directory.EnumerateFiles(dir, "*.csproj").Any())
                return dir;
        }
        return root;
    }

    /// <summary>Every <c>.editorconfig</c> that applies to <paramref name="files"/>, up to and including one with <c>root = true</c>.</summary>
    public static IEnumerable<string> EditorConfigs(IEnumerable<string> files)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var folder in files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct())
        {
            for (var dir = folder; dir is not null; dir = Path.GetDirectoryName(dir))
            {
                var config = Path.Combine(dir, ".editorconfig");
                if (!File.Exists(config))
                    continue;
                found.Add(config);
                if (IsRoot(config))
                    break;
            }
        }
        return found;
    }

    private static bool IsRoot(string config) =>
        File.ReadLines(config)
            .TakeWhile(line => !line.TrimStart().StartsWith('['))
            .Select(line => line.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .Any(line => line == "root=true");

    private static IEnumerable<MetadataReference> RuntimeReferences()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return trusted
            .Where(path => string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal))
            .Where(path => !Path.GetFileName(path).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => MetadataReference.CreateFromFile(path));
    }

    private static void Collect(DirectoryInfo directory, List<string> files)
    {
        files.AddRange(directory.EnumerateFiles("*.cs").Select(f => f.FullName));
        foreach (var child in directory.EnumerateDirectories())
        {
            if (child.Name.StartsWith('.') || SkippedFolders.Contains(child.Name, StringComparer.OrdinalIgnoreCase))
                continue;
            Collect(child, files);
        }
    }
}
