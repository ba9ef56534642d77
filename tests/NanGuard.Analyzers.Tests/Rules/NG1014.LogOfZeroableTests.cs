using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.LogOfZeroableAnalyzer,
    NanGuard.CodeFixes.Rules.LogOfZeroableCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class LogOfZeroableTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Log_input_is_clamped_to_eps() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(F.relu(x))|];
                Tensor B(Tensor x) => [|x.abs().log()|];
                Tensor D(Tensor p) => [|torch.log(1 - p)|];
                Tensor E(Tensor p) => [|(1.0 - p).log()|];
                Tensor G(Tensor x, Tensor mask) => /* keep */ [|torch.log(mask)|] /* trivia */;
                Tensor H(Tensor x)
                {
                    var r = F.relu(x);
                    return [|r.log()|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.log(F.relu(x).clamp_min(1e-8));
                Tensor B(Tensor x) => x.abs().clamp_min(1e-8).log();
                Tensor D(Tensor p) => torch.log((1 - p).clamp_min(1e-8));
                Tensor E(Tensor p) => (1.0 - p).clamp_min(1e-8).log();
                Tensor G(Tensor x, Tensor mask) => /* keep */ torch.log(mask.clamp_min(1e-8)) /* trivia */;
                Tensor H(Tensor x)
                {
                    var r = F.relu(x);
                    return r.clamp_min(1e-8).log();
                }
            }
            """);

    [Fact]
    public Task The_eps_option_changes_the_log_fix() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(x.relu())|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.log(x.relu().clamp_min(1e-5));
            }
            """, editorConfig: "nanguard.eps = 1e-5");

    [Fact]
    public Task Inverse_cosine_is_clamped_at_least_1e_7_inside() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor a, Tensor b) => [|torch.acos(F.cosine_similarity(a, b, 1))|];
                Tensor B(Tensor a, Tensor b)
                {
                    var cos = F.cosine_similarity(a, b);
                    return [|cos.asin()|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor a, Tensor b) => torch.acos(F.cosine_similarity(a, b, 1).clamp_min(-1 + 1e-7).clamp_max(1 - 1e-7));
                Tensor B(Tensor a, Tensor b)
                {
                    var cos = F.cosine_similarity(a, b);
                    return cos.clamp_min(-1 + 1e-7).clamp_max(1 - 1e-7).asin();
                }
            }
            """);

    [Fact]
    public Task A_larger_eps_widens_the_inverse_cosine_bound() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor a, Tensor b) => [|F.cosine_similarity(a, b).acos()|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor a, Tensor b) => F.cosine_similarity(a, b).clamp_min(-1 + 1e-5).clamp_max(1 - 1e-5).acos();
            }
            """, editorConfig: "nanguard.eps = 1e-5");

    [Fact]
    public Task Using_static_and_fully_qualified_forms() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x) => [|log(abs(x))|];
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => [|TorchSharp.torch.log(TorchSharp.torch.nn.functional.relu(x))|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x) => log(abs(x).clamp_min(1e-8));
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => TorchSharp.torch.log(TorchSharp.torch.nn.functional.relu(x).clamp_min(1e-8));
            }
            """);

    [Fact]
    public Task Log_of_a_comparison_is_reported_without_a_fix() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(x > 0)|];
            }
            """);

    [Fact]
    public async Task Reported_as_info_inside_lambda_local_function_and_forward()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) { }
                public override Tensor forward(Tensor x) => {|#0:x.relu().log()|};
            }

            class C
            {
                Func<Tensor, Tensor> f = p => {|#1:torch.log(1 - p)|};
                Tensor M(Tensor a, Tensor b)
                {
                    Tensor Inner(Tensor y) => {|#2:torch.asin(F.cosine_similarity(y, b))|};
                    return Inner(a);
                }
            }
            """,
            new DiagnosticResult("NG1014", DiagnosticSeverity.Info).WithLocation(0),
            new DiagnosticResult("NG1014", DiagnosticSeverity.Info).WithLocation(1),
            new DiagnosticResult("NG1014", DiagnosticSeverity.Info).WithLocation(2));
    }

    [Fact]
    public Task Logs_other_rules_report_and_safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.log(torch.sigmoid(x));
                Tensor B(Tensor x) => torch.log(1 - torch.sigmoid(x));
                Tensor D(Tensor x) => torch.log(F.softmax(x, 1));
                Tensor E(Tensor x)
                {
                    var r = F.relu(x);
                    return r * torch.log(r);
                }
                Tensor G(Tensor x)
                {
                    var r = F.relu(x);
                    var l = r.log();
                    return -(r * l).sum();
                }
                Tensor H(Tensor x) => torch.log(F.relu(x).clamp_min(1e-8));
                Tensor I(Tensor x) => torch.log(x.abs() + 1e-8);
                Tensor J(Tensor x) => torch.log(2 - x);
                Tensor K(Tensor x) => torch.log(x.exp());
                Tensor L(Tensor x) => torch.acos(x);
                Tensor M(Tensor a, Tensor b) => torch.acos(F.cosine_similarity(a, b).clamp(-0.99, 0.99));
                Tensor N(Tensor a, Tensor b) => F.cosine_similarity(a, b).exp();
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
                    public static Tensor log(Tensor x) => x;
                    public static Tensor relu(Tensor x) => x;
                    public sealed class Tensor { }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => TorchSharp.torch.log(TorchSharp.torch.relu(x));
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }

    [Fact]
    public async Task With_the_runtime_referenced_the_safe_log_is_offered_too()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = NanGuard.CodeFixes.Rules.LogOfZeroableCodeFix.StableOpEquivalenceKey;
        test.TestCode = Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(F.relu(x))|];
            }
            """;
        test.FixedCode = "using NanGuard.Runtime;\n" + Usings + """
            class C
            {
                Tensor A(Tensor x) => StableOps.safe_log(F.relu(x), 1e-8);
            }
            """;
        await test.RunAsync();
    }
}
