using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Analyzers.Rules;
using NanGuard.Testing;
using NanGuard.CodeFixes.Rules;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.LogOfSoftmaxAnalyzer,
    NanGuard.CodeFixes.Rules.LogOfSoftmaxCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class LogOfSoftmaxTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Static_log_of_functional_softmax_becomes_functional_log_softmax() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x) => [|torch.log(F.softmax(x, 1))|];
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor x) => F.log_softmax(x, 1);
            }
            """);

    [Fact]
    public Task Instance_form_stays_instance_form() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x) => [|x.softmax(1).log()|];
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor x) => x.log_softmax(1);
            }
            """);

    [Fact]
    public Task Torch_softmax_and_log_through_using_static() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor Loss(Tensor x) => [|log(softmax(x, 1))|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor Loss(Tensor x) => nn.functional.log_softmax(x, 1);
            }
            """);

    [Fact]
    public Task Fully_qualified_names_without_usings() =>
        Verify.VerifyCodeFixAsync("""
            class C
            {
                TorchSharp.torch.Tensor Loss(TorchSharp.torch.Tensor x) =>
                    [|TorchSharp.torch.log(TorchSharp.torch.nn.functional.softmax(x, 1))|];
            }
            """, """
            class C
            {
                TorchSharp.torch.Tensor Loss(TorchSharp.torch.Tensor x) =>
                    TorchSharp.torch.nn.functional.log_softmax(x, 1);
            }
            """);

    [Fact]
    public Task Softmax_through_a_local_assigned_once() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor logits)
                {
                    var p = F.softmax(logits, dim: 1);
                    return [|torch.log(p)|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor logits)
                {
                    return F.log_softmax(logits, dim: 1);
                }
            }
            """);

    [Fact]
    public Task Special_softmax_becomes_special_log_softmax() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x) => [|torch.special.softmax(x, 1).log()|];
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor x) => torch.special.log_softmax(x, 1);
            }
            """);

    [Fact]
    public Task Softmax_with_dtype_keeps_the_dtype_through_special_log_softmax() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x) => [|torch.log(F.softmax(x, 1, ScalarType.Float64))|];
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor x) => torch.special.log_softmax(x, 1, ScalarType.Float64);
            }
            """);

    [Fact]
    public Task Instance_softmax_with_dtype_keeps_the_named_dtype() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x) => [|x.softmax(1, dtype: ScalarType.Float64).log()|];
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor x) => x.log_softmax(1, dtype: ScalarType.Float64);
            }
            """);

    [Fact]
    public Task Receiver_expression_is_parenthesized_where_needed() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor a, Tensor b) => [|(a + b).softmax(1).log()|];
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor a, Tensor b) => (a + b).log_softmax(1);
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(10, 3);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => [|torch.log(F.softmax(fc.call(x), 1))|];
            }

            class C
            {
                Func<Tensor, Tensor> f = x => [|x.softmax(1).log()|];
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => [|torch.log(torch.softmax(y, 1))|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Fix_all_fixes_every_occurrence() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(F.softmax(x, 1))|];
                Tensor B(Tensor x) => [|x.softmax(0).log()|] + [|torch.log(torch.softmax(x, 1))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => F.log_softmax(x, 1);
                Tensor B(Tensor x) => x.log_softmax(0) + F.log_softmax(x, 1);
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            class C
            {
                Tensor A(Tensor x) => F.log_softmax(x, 1);
                Tensor B(Tensor x) => x.log_softmax(1);
                Tensor D(Tensor x) => torch.log(F.sigmoid(x) + 1e-6);
                Tensor E(Tensor x) => torch.log(F.softmax(x, 1) + 1e-8);
                double G(double p) => Math.Log(p);
                Tensor H(Tensor x)
                {
                    var p = F.softmax(x, 1);
                    p = x;
                    return torch.log(p);
                }
            }
            """);

    [Fact]
    public Task A_users_own_torch_class_is_not_TorchSharp() =>
        Verify.VerifyAnalyzerAsync("""
            namespace MyMath
            {
                static class torch
                {
                    public static double softmax(double x, int d) => x;
                    public static double log(double x) => System.Math.Log(x);
                }
                class C
                {
                    double M(double x) => torch.log(torch.softmax(x, 1));
                }
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
                    public sealed class Tensor { public Tensor softmax(long d) => this; public Tensor log() => this; }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => x.softmax(1).log();
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }

    [Fact]
    public async Task Message_names_the_replacement_in_the_users_form()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => {|#0:x.softmax(1).log()|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithMessage("log of a softmax gives -inf where a probability underflows to 0; use x.log_softmax(dim)"));
    }

    [Fact]
    public Task Where_the_logits_changed_after_the_softmax_its_local_holds_the_log_softmax() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor logits)
                {
                    var x = logits;
                    var p = F.softmax(x, 1);
                    x = x * 2;
                    return [|torch.log(p)|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor logits)
                {
                    var x = logits;
                    var logP = F.log_softmax(x, 1);
                    x = x * 2;
                    return logP;
                }
            }
            """);

    [Fact]
    public Task Softmax_of_a_call_in_a_local_of_a_module_forward_becomes_a_log_softmax_local() =>
        Verify.VerifyCodeFixAsync(Usings + """
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(10, 3);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    var probs = F.softmax(fc.call(x), dim: 1);
                    var scaled = 2 * [|torch.log(probs)|];
                    return scaled;
                }
            }
            """, Usings + """
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(10, 3);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x)
                {
                    var logProbs = F.log_softmax(fc.call(x), dim: 1);
                    var scaled = 2 * logProbs;
                    return scaled;
                }
            }
            """);

    [Fact]
    public Task The_local_is_renamed_only_where_its_name_says_probabilities_and_to_a_fresh_name() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Net(Tensor x) => x * 2;
                Tensor A(Tensor x)
                {
                    var probabilities = Net(x).softmax(1, dtype: ScalarType.Float64);
                    return [|probabilities.log()|];
                }
                Tensor B(Tensor x)
                {
                    Tensor class_probs = torch.special.softmax(Net(x), 0);
                    return [|torch.log(class_probs)|];
                }
                Tensor D(Tensor x, Tensor logP)
                {
                    var p = F.softmax(Net(x), 1);
                    return [|torch.log(p)|] + logP;
                }
                Tensor E(Tensor x)
                {
                    var scores = F.softmax(Net(x), 1);
                    return [|scores.log()|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor Net(Tensor x) => x * 2;
                Tensor A(Tensor x)
                {
                    var logProbabilities = Net(x).log_softmax(1, dtype: ScalarType.Float64);
                    return logProbabilities;
                }
                Tensor B(Tensor x)
                {
                    Tensor class_log_probs = torch.special.log_softmax(Net(x), 0);
                    return class_log_probs;
                }
                Tensor D(Tensor x, Tensor logP)
                {
                    var logP2 = F.log_softmax(Net(x), 1);
                    return logP2 + logP;
                }
                Tensor E(Tensor x)
                {
                    var scores = F.log_softmax(Net(x), 1);
                    return scores;
                }
            }
            """);

    [Fact]
    public Task No_fix_where_the_softmax_local_is_read_besides_the_log_and_its_logits_cannot_move() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor Net(Tensor x) => x * 2;
                Tensor A(Tensor x)
                {
                    var p = F.softmax(Net(x), 1);
                    return [|torch.log(p)|] * p;
                }
                Tensor B(Tensor x)
                {
                    using var p = F.softmax(Net(x), 1);
                    return [|torch.log(p)|];
                }
                Tensor D(Tensor x)
                {
                    var p = F.softmax(Net(x), 1);
                    var q = p;
                    return [|torch.log(q)|];
                }
            }
            """);

    [Fact]
    public Task A_softmax_a_call_passes_to_a_forward_is_flagged_at_its_log_not_a_log_softmax() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            public sealed class Nll : nn.Module<Tensor, Tensor, Tensor>
            {
                public Nll() : base(nameof(Nll)) { }

                public override Tensor forward(Tensor probs, Tensor target)
                {
                    probs = probs.view(-1, probs.shape[probs.dim() - 1]);
                    return -({|#0:torch.log(probs)|} * target).sum();
                }
            }

            public sealed class Safe : nn.Module<Tensor, Tensor>
            {
                public Safe() : base(nameof(Safe)) { }

                public override Tensor forward(Tensor probs) => torch.log(probs);
            }

            public static class Training
            {
                public static Tensor Loss(Nll nll, Safe safe, Tensor logits, Tensor y) =>
                    nll.call({|#1:F.softmax(logits, -1)|}, y) + safe.call(F.log_softmax(logits, -1).exp().clamp_min(1e-8)) + safe.call(logits);
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("log of a softmax gives -inf where a probability underflows to 0; use log_softmax in place of the softmax (passed for probs by Training.Loss)"));
}
