using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.StandardizationWithoutEpsAnalyzer,
    NanGuard.CodeFixes.Rules.StandardizationWithoutEpsCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class StandardizationWithoutEpsTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;

        """;

    [Fact]
    public Task Default_eps_is_added_to_the_std() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|(x - x.mean()) / x.std()|];
                Tensor B(Tensor x)
                {
                    var m = x.mean(new long[] { 0 }, keepdim: true);
                    var s = x.std();
                    return [|(x - m) / s|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => (x - x.mean()) / (x.std() + 1e-8);
                Tensor B(Tensor x)
                {
                    var m = x.mean(new long[] { 0 }, keepdim: true);
                    var s = x.std();
                    return (x - m) / (s + 1e-8);
                }
            }
            """);

    [Fact]
    public Task The_eps_option_changes_the_fix() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|(x - torch.mean(x)) / x.std(unbiased: false)|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => (x - torch.mean(x)) / (x.std(unbiased: false) + 1e-5);
            }
            """, editorConfig: "nanguard.eps = 1e-5");

    [Fact]
    public async Task Reported_as_info_inside_lambda_local_function_and_forward()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) { }
                public override Tensor forward(Tensor x) => {|#0:(x - x.mean()) / x.std()|};
            }

            class C
            {
                Func<Tensor, Tensor> f = x => {|#1:(x - x.mean()) / x.std()|};
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => {|#2:(y - y.mean()) / y.std()|};
                    return Inner(x);
                }
            }
            """,
            new DiagnosticResult("NG1012", DiagnosticSeverity.Info).WithLocation(0),
            new DiagnosticResult("NG1012", DiagnosticSeverity.Info).WithLocation(1),
            new DiagnosticResult("NG1012", DiagnosticSeverity.Info).WithLocation(2));
    }

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => (x - x.mean()) / (x.std() + 1e-5);
                Tensor B(Tensor x, Tensor y) => (x - x.mean()) / y.std();
                Tensor D(Tensor x) => x / x.std();
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
                    public sealed class Tensor
                    {
                        public Tensor mean() => this; public Tensor std() => this;
                        public static Tensor operator -(Tensor a, Tensor b) => a;
                        public static Tensor operator /(Tensor a, Tensor b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => (x - x.mean()) / x.std();
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }

    [Fact]
    public async Task With_the_runtime_referenced_the_stable_division_is_offered_too()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = NanGuard.CodeFixes.Rules.StandardizationWithoutEpsCodeFix.StableOpEquivalenceKey;
        test.TestCode = Usings + """
            class C
            {
                Tensor A(Tensor x) => [|(x - x.mean()) / x.std()|];
            }
            """;
        test.FixedCode = "using NanGuard.Runtime;\n" + Usings + """
            class C
            {
                Tensor A(Tensor x) => StableOps.safe_div(x - x.mean(), x.std(), 1e-8);
            }
            """;
        await test.RunAsync();
    }
}
