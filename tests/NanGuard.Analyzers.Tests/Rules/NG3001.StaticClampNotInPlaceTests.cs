using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.StaticClampNotInPlaceAnalyzer,
    NanGuard.CodeFixes.Rules.StaticClampNotInPlaceCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class StaticClampNotInPlaceTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using static TorchSharp.torch;

        """;

    [Fact]
    public async Task Static_clamp_min_statement_becomes_the_instance_method()
    {
        var test = Verify.Test();
        test.TestCode = Usings + """
            class C
            {
                void M(Tensor t)
                {
                    // keep it positive
                    {|#0:torch.clamp_min_(t, 1e-6)|}; // in place?
                }
            }
            """;
        test.FixedCode = Usings + """
            class C
            {
                void M(Tensor t)
                {
                    // keep it positive
                    t.clamp_min_(1e-6); // in place?
                }
            }
            """;
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning)
            .WithMessage("torch.clamp_min_ returns a new tensor and leaves its input unclamped; call the instance method t.clamp_min_(...)"));
        await test.RunAsync();
    }

    [Fact]
    public Task Clamp_max_using_static_fully_qualified_named_arguments_and_discard() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor weights = torch.ones(3);

                void M(Tensor t, Tensor[] all)
                {
                    [|clamp_max_(t, 1)|];
                    [|TorchSharp.torch.clamp_max_(input: this.weights, max: 2.5)|];
                    _ = [|torch.clamp_min_(all[0], min: 0)|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor weights = torch.ones(3);

                void M(Tensor t, Tensor[] all)
                {
                    t.clamp_max_(1);
                    this.weights.clamp_max_(max: 2.5);
                    all[0].clamp_min_(min: 0);
                }
            }
            """);

    [Fact]
    public Task Lambda_local_function_and_module_forward() =>
        Verify.VerifyCodeFixAsync(Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base("Net") { }

                public override Tensor forward(Tensor x)
                {
                    Action<Tensor> clamp = v => { [|torch.clamp_min_(v, 0)|]; };
                    void Clamp(Tensor v) => [|torch.clamp_max_(v, 1)|];
                    clamp(x);
                    Clamp(x);
                    return x;
                }
            }
            """, Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base("Net") { }

                public override Tensor forward(Tensor x)
                {
                    Action<Tensor> clamp = v => { v.clamp_min_(0); };
                    void Clamp(Tensor v) => v.clamp_max_(1);
                    clamp(x);
                    Clamp(x);
                    return x;
                }
            }
            """);

    [Fact]
    public Task No_fix_for_a_temporary() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                void M(Tensor t) => [|torch.clamp_min_(t * 2, 0)|];
            }
            """);

    [Fact]
    public Task Used_result_and_instance_forms_are_not_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor M(Tensor t)
                {
                    var a = torch.clamp_min_(t, 0);
                    t.clamp_min_(0);
                    t.clamp_max_(1);
                    torch.clamp_min(t, 0);
                    Use(torch.clamp_max_(t, 1));
                    return torch.clamp_min_(a, 0);
                }

                void Use(Tensor t) { }
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        var source = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public sealed class Tensor { }
                    public static Tensor clamp_min_(Tensor t, double m) => t;
                }
            }
            class C
            {
                void M(TorchSharp.torch.Tensor t) => TorchSharp.torch.clamp_min_(t, 0);
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
