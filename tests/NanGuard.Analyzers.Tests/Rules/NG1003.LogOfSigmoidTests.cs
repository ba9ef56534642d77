using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.LogOfSigmoidAnalyzer,
    NanGuard.CodeFixes.Rules.LogOfSigmoidCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class LogOfSigmoidTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Static_log_of_sigmoid_becomes_logsigmoid() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(F.sigmoid(x))|];
                Tensor B(Tensor x) => [|torch.log(torch.sigmoid(x))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => F.logsigmoid(x);
                Tensor B(Tensor x) => F.logsigmoid(x);
            }
            """);

    [Fact]
    public Task Instance_form_stays_instance_form() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x.sigmoid().log()|];
                Tensor B(Tensor a, Tensor b) => [|(a + b).sigmoid().log()|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => x.log_sigmoid();
                Tensor B(Tensor a, Tensor b) => (a + b).log_sigmoid();
            }
            """);

    [Fact]
    public Task One_minus_sigmoid_becomes_logsigmoid_of_the_negation() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(1 - torch.sigmoid(x))|];
                Tensor B(Tensor x) => [|(1.0 - x.sigmoid()).log()|];
                Tensor D(Tensor a, Tensor b) => [|torch.log(1 - F.sigmoid(a + b))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => F.logsigmoid(-x);
                Tensor B(Tensor x) => (-x).log_sigmoid();
                Tensor D(Tensor a, Tensor b) => F.logsigmoid(-(a + b));
            }
            """);

    [Fact]
    public Task Using_static_and_fully_qualified_forms() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x) => [|log(sigmoid(x))|];
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) =>
                    [|TorchSharp.torch.log(TorchSharp.torch.nn.functional.sigmoid(x))|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x) => nn.functional.logsigmoid(x);
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) =>
                    TorchSharp.torch.nn.functional.logsigmoid(x);
            }
            """);

    [Fact]
    public Task Sigmoid_through_a_local_assigned_once_keeps_trivia() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor logits)
                {
                    var p = torch.sigmoid(logits);
                    return /* keep */ [|torch.log(p)|] /* this */;
                }
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor logits)
                {
                    return /* keep */ F.logsigmoid(logits) /* this */;
                }
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(10, 1);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => [|torch.log(torch.sigmoid(fc.call(x)))|];
            }

            class C
            {
                Func<Tensor, Tensor> f = x => [|x.sigmoid().log()|];
                Tensor P => [|torch.log(1 - torch.sigmoid(torch.ones(3)))|];
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => [|torch.log(F.sigmoid(y))|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => F.logsigmoid(x);
                Tensor B(Tensor x) => x.log_sigmoid();
                Tensor D(Tensor x) => torch.log(torch.sigmoid(x) + 1e-6);
                Tensor E(Tensor x) => torch.log(2 - torch.sigmoid(x));
                Tensor G(Tensor x) => torch.log(1 + torch.sigmoid(x));
                Tensor H(Tensor x) => torch.log1p(-torch.sigmoid(x));
                Tensor I(Tensor x) => torch.sigmoid(torch.log(x));
                Tensor J(Tensor x)
                {
                    var p = torch.sigmoid(x);
                    p = x;
                    return torch.log(p);
                }
                double K(double p) => System.Math.Log(1 / (1 + System.Math.Exp(-p)));
            }
            """);

    [Fact]
    public Task Logs_of_a_hand_written_binary_cross_entropy_are_left_to_NG1004() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor x, Tensor y) =>
                    -(y * torch.log(torch.sigmoid(x)) + (1 - y) * torch.log(1 - torch.sigmoid(x))).mean();
            }
            """);

    [Fact]
    public Task No_fix_where_the_logits_changed_after_the_sigmoid() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor logits)
                {
                    var x = logits;
                    var p = torch.sigmoid(x);
                    x = x * 2;
                    return [|torch.log(p)|];
                }
            }
            """);

    [Fact]
    public async Task Message_names_the_replacement_and_severity_is_warning()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => {|#0:torch.log(1 - torch.sigmoid(x))|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithMessage("log of 1 - sigmoid(x) gives -inf where the sigmoid saturates; use F.logsigmoid(-x)"));
    }

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
                    public sealed class Tensor { public Tensor sigmoid() => this; public Tensor log() => this; }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => x.sigmoid().log();
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }

    [Fact]
    public Task A_sigmoid_a_call_passes_to_a_forward_is_flagged_at_its_log() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            public sealed class Bce : nn.Module<Tensor, Tensor, Tensor>
            {
                public Bce() : base(nameof(Bce)) { }

                public override Tensor forward(Tensor p, Tensor y)
                {
                    p = p.flatten();
                    return -(y * {|#0:torch.log(p)|}).mean();
                }
            }

            public static class Training
            {
                public static Tensor Loss(Bce bce, Tensor logits, Tensor y) =>
                    bce.call({|#1:torch.sigmoid(logits)|}, y) + bce.call(torch.sigmoid(logits).clamp(1e-6, 1 - 1e-6), y) + bce.call(logits, y);
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("log of sigmoid(x) gives -inf where the sigmoid saturates; use logsigmoid of the sigmoid's input (passed for p by Training.Loss)"));
}
