using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NanGuard.Testing;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>
/// A TorchSharp assembly of another shape than the real one the tests compile against, built in memory: <paramref name="SilentIds"/> are the
/// rule id prefixes that must report nothing against it, because the symbols they need are absent.
/// </summary>
public sealed record TorchSharpVariant(string Name, MetadataReference Reference, IReadOnlyList<string> SilentIds)
{
    public TestReferences References => TestReferences.WithoutTorchSharp.With(Reference);

    public override string ToString() => Name;
}

/// <summary>
/// Builds the variants: the sources of an older TorchSharp shape (<c>Shapes/OlderTorchSharp</c>, read at run time: the
/// subset of the API NanGuard touches as TorchSharp declared it before 0.107, with its differences from today's) with
/// parts removed, signatures changed or another version, and small hand-written assemblies named TorchSharp of odd
/// shapes.
/// </summary>
public static class VariantTorchSharp
{
    private static readonly Lazy<IReadOnlyList<TorchSharpVariant>> AllLazy = new(Build);

    public static IReadOnlyList<TorchSharpVariant> All => AllLazy.Value;

    private static IReadOnlyList<TorchSharpVariant> Build()
    {
        var olderSources = ReadOlderSources();
        var variants = new List<TorchSharpVariant>
        {
            FromOlder("0.99.0.0 (grad() a method, no logsigmoid, no autograd)", "0.99.0.0", olderSources,
                drop: f => f.EndsWith("Autograd.cs", StringComparison.Ordinal),
                edit: t => Regex.Replace(
                    Regex.Replace(t, @"public Tensor\? grad \{[^}]*\}", "public Tensor? grad() => throw null!;"),
                    @"public static Tensor logsigmoid\([^;]*;", ""),
                silent: Array.Empty<string>()),
            FromOlder("0.200.0.0 (extra overloads)", "0.200.0.0", olderSources, drop: _ => false, edit: t => t,
                silent: Array.Empty<string>(), extra: """
                    namespace TorchSharp
                    {
                        public static partial class torch
                        {
                            public static Tensor log(Tensor input, double @base) => throw null!;
                            public static Tensor softmax(Tensor input, long dim, bool half, ScalarType? dtype = null) => throw null!;
                            public static partial class nn
                            {
                                public static partial class functional
                                {
                                    public static Tensor softmax(Tensor input, long[] dims) => throw null!;
                                    public static Tensor log_softmax(Tensor x, long dim, ScalarType? dtype) => throw null!;
                                }
                            }
                        }
                    }
                    """),
            FromOlder("no torch.nn.utils", OlderVersion, olderSources, drop: f => f.EndsWith("nn.utils.cs", StringComparison.Ordinal), edit: t => t,
                silent: Array.Empty<string>()),
            FromOlder("no optimizers", OlderVersion, olderSources, drop: f => f.Contains($"Optimizers{Path.DirectorySeparatorChar}", StringComparison.Ordinal),
                edit: t => t, silent: new[] { "NG2" }),
            FromOlder("no torch.nn.functional", OlderVersion, olderSources, drop: f => f.EndsWith("nn.functional.cs", StringComparison.Ordinal),
                edit: t => t, silent: Array.Empty<string>()),
            Handwritten("torch and Tensor only", """
                namespace TorchSharp
                {
                    public static partial class torch
                    {
                        public sealed class Tensor { }
                    }
                }
                """, silent: new[] { "NG" }),
            Handwritten("Tensor a struct, softmax(Tensor, int, bool), optimizer an interface", """
                namespace TorchSharp
                {
                    public static partial class torch
                    {
                        public struct Tensor
                        {
                            public Tensor log() => this;
                            public Tensor softmax(int dim, bool stable) => this;
                            public Tensor sum() => this;
                            public void backward() { }
                            public static Tensor operator *(Tensor a, Tensor b) => a;
                            public static Tensor operator -(Tensor a) => a;
                        }
                        public static Tensor log(Tensor input) => input;
                        public static partial class nn
                        {
                            public static partial class functional { public static Tensor softmax(Tensor input, int dim, bool stable) => input; }
                        }
                        public static partial class optim
                        {
                            public interface Optimizer { void step(); }
                            public static Optimizer Adam(object parameters, double lr) => null!;
                        }
                    }
                }
                """, silent: Array.Empty<string>()),
            Handwritten("ops as delegate fields and properties, step a property", """
                using System;
                namespace TorchSharp
                {
                    public static partial class torch
                    {
                        public class Tensor { public Func<Tensor> log = null!; public Func<long, Tensor> softmax = null!; public Action backward = null!; }
                        public static Func<Tensor, Tensor> log = null!;
                        public static partial class nn
                        {
                            public static partial class functional { public static Func<Tensor, long, Tensor> softmax { get; } = null!; }
                            public static partial class utils { public static Func<object, double, double> clip_grad_norm_ = null!; }
                        }
                        public static partial class optim
                        {
                            public abstract class Optimizer { public Action step = null!; }
                        }
                    }
                }
                """, silent: new[] { "NG" }),
            Handwritten("generic Tensor<T>, non-static torch, Optimizer not abstract", """
                namespace TorchSharp
                {
                    public partial class torch
                    {
                        public class Tensor { public Tensor log() => this; public Tensor softmax(long dim) => this; public void backward() { } }
                        public class Tensor<T> : Tensor where T : unmanaged { }
                        public static Tensor<T> log<T>(Tensor<T> input) where T : unmanaged => input;
                        public static Tensor log(Tensor input) => input;
                        public static Tensor<T> softmax<T>(Tensor<T> input, long dim) where T : unmanaged => input;
                        public static partial class optim
                        {
                            public class Optimizer { public Tensor step<T>() => null!; public void step(int times = 1) { } }
                        }
                    }
                }
                """, silent: Array.Empty<string>()),
        };
        return variants;
    }

    /// <summary>The assembly version the older shape's variants carry.</summary>
    private const string OlderVersion = "0.100.0.0";

    private static List<(string Path, string Text)> ReadOlderSources()
    {
        var folder = RepositoryPaths.Combine("tests", "NanGuard.Robustness.Tests", "Shapes", "OlderTorchSharp");
        return Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (f, File.ReadAllText(f)))
            .ToList();
    }

    private static TorchSharpVariant FromOlder(string name, string version, List<(string Path, string Text)> sources,
        Func<string, bool> drop, Func<string, string> edit, string[] silent, string? extra = null)
    {
        var texts = sources.Where(s => !drop(s.Path)).Select(s => edit(s.Text)).ToList();
        if (extra is not null)
            texts.Add(extra);
        return new TorchSharpVariant(name, Compile(texts, version), silent);
    }

    private static TorchSharpVariant Handwritten(string name, string source, string[] silent) =>
        new(name, Compile(new[] { source }, OlderVersion), silent);

    /// <summary>
    /// Compiles an assembly named TorchSharp. Where removing a part leaves the rest referring to it, the image cannot
    /// be emitted; the compilation itself then stands as the reference (its symbols are what the analyzers see).
    /// </summary>
    private static MetadataReference Compile(IEnumerable<string> sources, string version)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s, parse))
            .Append(CSharpSyntaxTree.ParseText($"[assembly: System.Reflection.AssemblyVersion(\"{version}\")]", parse))
            .ToList();
        var compilation = CSharpCompilation.Create("TorchSharp", trees, TestReferences.WithoutTorchSharp.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        return emitted.Success
            ? MetadataReference.CreateFromImage(stream.ToArray())
            : compilation.ToMetadataReference();
    }
}
