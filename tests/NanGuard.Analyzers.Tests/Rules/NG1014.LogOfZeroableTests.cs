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

    [Fact]
    public Task Uniform_samples_and_differences_that_cannot_be_negative_are_clamped() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Gumbel(Tensor logits) => -torch.log(-[|torch.log(torch.rand_like(logits))|]);
                Tensor Filled(Tensor logits)
                {
                    var u = torch.empty_like(logits).uniform_(0, 1);
                    return -torch.log(-[|torch.log(u)|]);
                }
                Tensor Sine(Tensor x)
                {
                    var c = torch.cos(x);
                    return [|torch.log(1 - c * c)|];
                }
                Tensor Spread(Tensor x) => [|(x.max() - x.min()).log()|];
            }
            """, Usings + """
            class C
            {
                Tensor Gumbel(Tensor logits) => -torch.log(-torch.log(torch.rand_like(logits).clamp_min(1e-8)));
                Tensor Filled(Tensor logits)
                {
                    var u = torch.empty_like(logits).uniform_(0, 1);
                    return -torch.log(-torch.log(u.clamp_min(1e-8)));
                }
                Tensor Sine(Tensor x)
                {
                    var c = torch.cos(x);
                    return torch.log((1 - c * c).clamp_min(1e-8));
                }
                Tensor Spread(Tensor x) => (x.max() - x.min()).clamp_min(1e-8).log();
            }
            """);

    [Fact]
    public async Task Layer_outputs_and_signed_differences_get_no_fix_and_say_why()
    {
        var source = Usings + """
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear head = nn.Linear(4, 2);
                private readonly Parameter scale = nn.Parameter(torch.ones(2));
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => {|#0:torch.log(head.call(x))|} + {|#1:scale.log()|};
            }

            class C
            {
                Tensor A(Tensor x) => {|#2:torch.log(F.relu(x) - 1)|};
            }
            """;
        var expected = new[]
        {
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("an unbounded layer output can be 0 or negative, where log is not finite; no automatic fix: the input is an unbounded layer output, negative for about half its inputs: a clamp would hide the missing sigmoid or softmax; take logsigmoid or log_softmax of it instead"),
            Verify.Diagnostic().WithLocation(1).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("a learned parameter can be 0 or negative, where log is not finite; no automatic fix: the input is a learned parameter, negative for about half its inputs: a clamp would hide the missing sigmoid or softmax; take logsigmoid or log_softmax of it instead"),
            Verify.Diagnostic().WithLocation(2).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("a difference can be 0 or negative, where log is not finite; no automatic fix: the input can be negative, where a clamp from below would change its value"),
        };
        await Verify.VerifyAnalyzerAsync(source, expected);
    }

    [Fact]
    public Task Inputs_that_can_be_negative_get_no_fix() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => [|torch.log(F.linear(x, w))|];
                Tensor B(Tensor x) => [|(F.relu(x) - 1).log()|];
            }
            """);

    [Fact]
    public Task Normalised_or_bounded_layer_outputs_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => torch.log(F.linear(x, w).clamp_min(1e-6));
                Tensor B(Tensor x, Tensor w) => torch.log(F.softplus(F.linear(x, w)) + 1e-6);
                Tensor D(Tensor x)
                {
                    var c = torch.cos(x);
                    return torch.log(2 - c * c);
                }
                Tensor E(Tensor logits) => torch.log(torch.empty_like(logits).uniform_(0.5, 1));
                Tensor G(Tensor x, Tensor w) => F.log_softmax(F.linear(x, w), 1);
            }
            """);

    // A module whose forward sums a softmax's rows over the dim before the last and takes the log, marked as flagged.
    private const string PooledModule = """
        using TorchSharp.Modules;

        public class Pooled : nn.Module<Tensor, Tensor>
        {
            public Pooled() : base(nameof(Pooled)) { }

            public override Tensor forward(Tensor p)
            {
                p = p.sum(-2);
                return [|torch.log(p)|];
            }
        }

        """;

    [Fact]
    public async Task A_sum_across_the_rows_of_a_softmax_a_call_passes_to_a_forward_is_flagged_at_its_log()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            public sealed class Pooled : nn.Module<Tensor, Tensor, Tensor>
            {
                public Pooled() : base(nameof(Pooled)) { }

                public override Tensor forward(Tensor scores, Tensor target)
                {
                    var n = scores.shape[0];
                    var steps = scores.shape[1] * scores.shape[2];
                    scores = scores.reshape(n, steps, -1);
                    scores = scores.sum(1) / steps;
                    return -(target * {|#0:scores.log()|}).sum();
                }
            }

            public static class Training
            {
                public static Tensor Loss(nn.Module<Tensor, Tensor> net, Pooled pooled, Tensor x, Tensor y) =>
                    pooled.call({|#1:F.softmax(net.call(x), -1)|}, y);
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1)
                .WithMessage("a sum across softmax rows whose entries underflow (passed for scores by Training.Loss) can be 0, where log is not finite; clamp the input"));
    }

    [Fact]
    public Task A_forward_called_directly_with_a_softmax_is_flagged_at_its_log() =>
        Verify.VerifyAnalyzerAsync(Usings + PooledModule + """
            public static class Training
            {
                public static Tensor Loss(Pooled pooled, Tensor logits) => pooled.forward(logits.softmax(-1));
            }
            """);

    [Fact]
    public Task A_forward_not_passed_a_value_that_reaches_0_is_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            public sealed class Pooled : nn.Module<Tensor, Tensor>
            {
                public Pooled() : base(nameof(Pooled)) { }

                public override Tensor forward(Tensor p)
                {
                    var n = p.shape[0];
                    p = p.view(n, p.shape[1], -1);
                    p = p.sum(1) / p.shape[1];
                    return torch.log(p);
                }
            }

            // Kept from 0 before the sum, summed over whole rows, or over a last dim of size 1; a write the engine
            // does not follow; never called.
            public sealed class Guarded : nn.Module<Tensor, Tensor>
            {
                public Guarded() : base(nameof(Guarded)) { }

                public override Tensor forward(Tensor p)
                {
                    p = p + 1e-10;
                    p = p.sum(1);
                    return torch.log(p);
                }
            }

            public sealed class WholeRows : nn.Module<Tensor, Tensor>
            {
                public WholeRows() : base(nameof(WholeRows)) { }

                public override Tensor forward(Tensor p) => torch.log(p.sum(-1)) + torch.log(p.view(p.shape[0], -1, 1).sum(1));
            }

            public sealed class Unfollowed : nn.Module<Tensor, Tensor>
            {
                public Unfollowed() : base(nameof(Unfollowed)) { }

                public override Tensor forward(Tensor p)
                {
                    var rows = p.transpose(-1, -2).sum(-2);
                    p = p.cumsum(1);
                    p = p.sum(-2);
                    return torch.log(p) + torch.log(rows);
                }
            }

            // The log of the softmax itself is NG1001's.
            public sealed class Direct : nn.Module<Tensor, Tensor>
            {
                public Direct() : base(nameof(Direct)) { }

                public override Tensor forward(Tensor p) => torch.log(p);
            }

            public sealed class Unused : nn.Module<Tensor, Tensor>
            {
                public Unused() : base(nameof(Unused)) { }

                public override Tensor forward(Tensor p) => torch.log(p.sum(1));
            }

            public static class Training
            {
                // log_softmax, logits, a clamped softmax, a value nothing is known of.
                public static Tensor Loss(Pooled pooled, Tensor logits, Tensor q) =>
                    pooled.call(F.log_softmax(logits, -1)) + pooled.call(logits) + pooled.call(F.softmax(logits, -1).clamp_min(1e-8))
                    + pooled.call(q);

                public static Tensor Others(Guarded guarded, WholeRows rows, Unfollowed unfollowed, Direct direct, Tensor logits) =>
                    guarded.call(F.softmax(logits, -1)) + rows.call(F.softmax(logits, -1)) + unfollowed.call(F.softmax(logits, -1))
                    + direct.call(F.softmax(logits, -1));
            }
            """);

    [Fact]
    public Task A_forward_a_type_below_overrides_again_is_not_followed() =>
        Verify.VerifyAnalyzerAsync(Usings + PooledModule.Replace("[|torch.log(p)|]", "torch.log(p)") + """
            public sealed class Smoothed : Pooled
            {
                public override Tensor forward(Tensor p) => base.forward(p + 1e-6);
            }

            public static class Training
            {
                public static Tensor Loss(Pooled pooled, Tensor logits) => pooled.call(F.softmax(logits, -1));
            }
            """);
}
