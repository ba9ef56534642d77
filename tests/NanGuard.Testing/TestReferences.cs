using System;
using System.Collections.Immutable;
using System.IO;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace NanGuard.Testing;

/// <summary>
/// The assemblies a test source compiles against beyond the framework: the real TorchSharp (the managed assembly the
/// restore copies beside the tests), NanGuard.Runtime where a fix calls it, or another shape of TorchSharp.
/// </summary>
public sealed class TestReferences
{
    /// <summary>The framework every test compilation targets (.NET 8's reference assemblies, resolved offline).</summary>
    public static ReferenceAssemblies Framework { get; } = ReferenceAssemblies.Net.Net80;

    private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(() =>
        Framework.ResolveAsync(LanguageNames.CSharp, CancellationToken.None).GetAwaiter().GetResult());

    private static readonly Lazy<MetadataReference> TorchSharpReference = new(() =>
        MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll")));

    private static readonly Lazy<TestReferences> RuntimeReferences = new(() =>
        WithTorchSharp!.With(MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "NanGuard.Runtime.dll"))));

    private readonly bool _torchSharp;

    private TestReferences(ImmutableArray<MetadataReference> extra, bool torchSharp)
    {
        Extra = extra;
        _torchSharp = torchSharp;
    }

    /// <summary>TorchSharp 0.107.0, the real package's assembly.</summary>
    public static TestReferences WithTorchSharp { get; } = new(ImmutableArray<MetadataReference>.Empty, torchSharp: true);

    /// <summary>No TorchSharp: a project that does not use it.</summary>
    public static TestReferences WithoutTorchSharp { get; } = new(ImmutableArray<MetadataReference>.Empty, torchSharp: false);

    /// <summary>TorchSharp and NanGuard.Runtime: a project that can call the runtime's helpers.</summary>
    public static TestReferences WithNanGuardRuntime => RuntimeReferences.Value;

    /// <summary>What these references add to the framework.</summary>
    public ImmutableArray<MetadataReference> Extra { get; }

    /// <summary>What a test compilation references beyond the framework, TorchSharp first where there is one.</summary>
    public ImmutableArray<MetadataReference> Additional => _torchSharp ? Extra.Insert(0, TorchSharpReference.Value) : Extra;

    /// <summary>Every metadata reference, the framework's included: for compilations built outside the framework.</summary>
    public ImmutableArray<MetadataReference> All => FrameworkReferences.Value.AddRange(Additional);

    /// <summary>These references plus <paramref name="reference"/>.</summary>
    public TestReferences With(MetadataReference reference) => new(Extra.Add(reference), _torchSharp);
}
