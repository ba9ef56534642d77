using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NanGuard.Analyzers.Tests.Verifiers;

/// <summary>The assemblies a test source compiles against.</summary>
public sealed class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(() =>
    {
        var directory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Directory.GetFiles(directory, "*.dll")
            .Where(IsManaged)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    private static readonly Lazy<MetadataReference> TorchSharpReference = new(() =>
        MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll")));

    private TestReferences(ImmutableArray<MetadataReference> extra, bool torchSharp)
    {
        Extra = extra;
        HasTorchSharp = torchSharp;
    }

    /// <summary>The .NET framework and TorchSharp (the reference assembly in ref/TorchSharp).</summary>
    public static TestReferences WithTorchSharp { get; } = new(ImmutableArray<MetadataReference>.Empty, torchSharp: true);

    /// <summary>The .NET framework alone: a project that does not use TorchSharp.</summary>
    public static TestReferences WithoutTorchSharp { get; } = new(ImmutableArray<MetadataReference>.Empty, torchSharp: false);

    public bool HasTorchSharp { get; }

    public ImmutableArray<MetadataReference> Extra { get; }

    /// <summary>The .NET framework, TorchSharp and NanGuard.Runtime: a project that can call the runtime's helpers.</summary>
    public static TestReferences WithNanGuardRuntime => RuntimeReferences.Value;

    private static readonly Lazy<TestReferences> RuntimeReferences = new(() =>
        WithTorchSharp.WithAssembly(Path.Combine(AppContext.BaseDirectory, "NanGuard.Runtime.dll")));

    /// <summary>These references plus <paramref name="reference"/>.</summary>
    public TestReferences With(MetadataReference reference) => new(Extra.Add(reference), HasTorchSharp);

    /// <summary>These references plus the assembly at <paramref name="path"/>.</summary>
    public TestReferences WithAssembly(string path) => With(MetadataReference.CreateFromFile(path));

    /// <summary>Every metadata reference of a test project.</summary>
    public ImmutableArray<MetadataReference> All =>
        HasTorchSharp ? Framework.Value.Add(TorchSharpReference.Value).AddRange(Extra) : Framework.Value.AddRange(Extra);

    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
