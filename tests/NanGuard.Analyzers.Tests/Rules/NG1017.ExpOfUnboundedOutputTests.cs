using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.ExpOfUnboundedOutputAnalyzer,
    NanGuard.CodeFixes.Rules.ExpOfUnboundedOutputCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class ExpOfUnboundedOutputTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Layer_outputs_and_parameters_are_clamped_from_above() =>
        Verify.VerifyCodeFixAsync(Usings + """
            using TorchSharp.Modules;

            sealed class Encoder : nn.Module<Tensor, Tensor>
            {
                private readonly Linear mean = nn.Linear(8, 2);
                private readonly Linear logVariance = nn.Linear(8, 2);
                private readonly Parameter logScale = nn.Parameter(torch.zeros(2));

                public Encoder() : base(nameof(Encoder)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var logvar = logVariance.call(x);
                    var std = [|torch.exp(0.5 * logvar)|];
                    var scale = [|logScale.exp()|];
                    return mean.call(x) + std * scale * torch.randn_like(std);
                }
            }

            class C
            {
                Tensor A(Tensor x, Tensor w) => [|torch.exp(F.linear(x, w))|];
                Tensor B(Tensor x, Tensor w) => [|(-F.linear(x, w)).exp()|];
                Tensor D(Tensor x, Tensor w) => [|torch.exp(F.linear(x, w).clamp_max(100))|];
            }
            """, Usings + """
            using TorchSharp.Modules;

            sealed class Encoder : nn.Module<Tensor, Tensor>
            {
                private readonly Linear mean = nn.Linear(8, 2);
                private readonly Linear logVariance = nn.Linear(8, 2);
                private readonly Parameter logScale = nn.Parameter(torch.zeros(2));

                public Encoder() : base(nameof(Encoder)) => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var logvar = logVariance.call(x);
                    var std = torch.exp((0.5 * logvar).clamp_max(20.0));
                    var scale = logScale.clamp_max(20.0).exp();
                    return mean.call(x) + std * scale * torch.randn_like(std);
                }
            }

            class C
            {
                Tensor A(Tensor x, Tensor w) => torch.exp(F.linear(x, w).clamp_max(20.0));
                Tensor B(Tensor x, Tensor w) => (-F.linear(x, w)).clamp_max(20.0).exp();
                Tensor D(Tensor x, Tensor w) => torch.exp(F.linear(x, w).clamp_max(100).clamp_max(20.0));
            }
            """);

    [Fact]
    public async Task The_message_names_the_dtype_and_the_member_the_output_came_from()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private static Tensor {|#1:Logits|}(Tensor x, Tensor w) => F.linear(x, w);
                Tensor A(Tensor x, Tensor w) => {|#0:Logits(x, w).exp()|};
                Tensor B(Tensor x, Tensor w) => {|#2:F.linear(x, w).half().exp()|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output (returned by C.Logits) overflows to inf above about 88.7 in float32; clamp the exponent with clamp_max(20.0)"),
            Verify.Diagnostic().WithLocation(2).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output overflows to inf above about 11.1 in float16; clamp the exponent with clamp_max(10.0)"));
    }

    [Fact]
    public Task The_max_exponent_option_changes_the_bound() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => [|torch.exp(F.linear(x, w))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => torch.exp(F.linear(x, w).clamp_max(5.0));
            }
            """, editorConfig: "nanguard.NG1017.max_exponent = 5");

    [Fact]
    public Task A_bound_that_would_guard_nothing_falls_back_to_the_default() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => [|torch.exp(F.linear(x, w))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor w) => torch.exp(F.linear(x, w).clamp_max(20.0));
            }
            """, editorConfig: "nanguard.NG1017.max_exponent = 100");

    [Fact]
    public Task Using_static_lambdas_and_local_functions() =>
        Verify.VerifyCodeFixAsync("""
            using System;
            using static TorchSharp.torch;

            class C
            {
                Func<Tensor, Tensor, Tensor> f = (x, w) => [|exp(nn.functional.linear(x, w))|];
                Tensor D(Tensor x, Tensor w)
                {
                    Tensor Inner(Tensor y) => [|nn.functional.conv1d(y, w).exp()|];
                    return Inner(x);
                }
            }
            """, """
            using System;
            using static TorchSharp.torch;

            class C
            {
                Func<Tensor, Tensor, Tensor> f = (x, w) => exp(nn.functional.linear(x, w).clamp_max(20.0));
                Tensor D(Tensor x, Tensor w)
                {
                    Tensor Inner(Tensor y) => nn.functional.conv1d(y, w).clamp_max(20.0).exp();
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Exps_older_rules_own_and_bounded_exponents_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // NG1005, NG1006 and NG1007 own these exps.
                Tensor A(Tensor x, Tensor w) => torch.log(torch.exp(F.linear(x, w)).sum(1));
                Tensor B(Tensor x, Tensor w)
                {
                    var h = F.linear(x, w);
                    return torch.exp(h) / torch.exp(h).sum(1, keepdim: true);
                }
                Tensor D(Tensor x, Tensor w) => torch.log(1 + torch.exp(F.linear(x, w)));
                // Bounded from above, or nothing known.
                Tensor E(Tensor x, Tensor w) => torch.exp(F.linear(x, w).clamp_max(20));
                Tensor G(Tensor x, Tensor w) => torch.exp(torch.tanh(F.linear(x, w)));
                Tensor H(Tensor x) => torch.exp(x);
                Tensor I(Tensor x, Tensor w) => torch.exp(-F.relu(x));
                Tensor J(Tensor x, Tensor w) => F.linear(x, w).half().clamp_max(10).exp();
                Tensor K(Tensor x, Tensor w) => torch.exp(F.log_softmax(F.linear(x, w), 1));
            }
            """);

    [Fact]
    public async Task A_head_of_a_forward_that_returns_a_tuple()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            sealed class Encoder : nn.Module<Tensor, (Tensor Mu, Tensor LogVar)>
            {
                private readonly Linear mu = nn.Linear(8, 2);
                private readonly Linear logvar = nn.Linear(8, 2);
                public Encoder() : base(nameof(Encoder)) => RegisterComponents();
                public override (Tensor Mu, Tensor LogVar) {|#1:forward|}(Tensor x) => (mu.call(x), logvar.call(x));
            }

            sealed class Vae
            {
                private readonly Encoder _encoder = new();

                private static Tensor Reparametrize(Tensor mu, Tensor {|#2:logvar|}) => mu + torch.randn_like(logvar) * {|#0:torch.exp(0.5 * logvar)|};

                public Tensor Deconstructed(Tensor x)
                {
                    var (mu, logvar) = _encoder.call(x);
                    return Reparametrize(mu, logvar);
                }

                public Tensor Named(Tensor x)
                {
                    var heads = _encoder.call(x);
                    return heads.Mu + {|#3:heads.LogVar.exp()|} + {|#4:torch.exp(heads.Item2)|};
                }

                public Tensor Declared(Tensor x)
                {
                    (Tensor mu, var (a, b)) = (x, _encoder.call(x));
                    return mu + {|#5:b.exp()|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(2).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output (passed by every caller of Vae.Reparametrize, the output of Encoder.forward) overflows to inf above about 88.7 in float32; clamp the exponent with clamp_max(20.0)"),
            Verify.Diagnostic().WithLocation(3).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output (the output of Encoder.forward) overflows to inf above about 88.7 in float32; clamp the exponent with clamp_max(20.0)"),
            Verify.Diagnostic().WithLocation(4).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output (the output of Encoder.forward) overflows to inf above about 88.7 in float32; clamp the exponent with clamp_max(20.0)"),
            Verify.Diagnostic().WithLocation(5).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output (the output of Encoder.forward) overflows to inf above about 88.7 in float32; clamp the exponent with clamp_max(20.0)"));
    }

    [Fact]
    public async Task A_layer_the_code_converts_to_float16_overflows_at_its_threshold()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            sealed class C
            {
                private readonly Linear _scale = nn.Linear(8, 2).half();
                private readonly Linear _rate = nn.Linear(8, 2);

                Tensor A(Tensor x) => {|#0:torch.exp(_scale.call(x))|};

                Tensor B(Tensor x)
                {
                    _rate.half();
                    // Below float16's overflow (11.1): a clamp at 10 guards it.
                    return {|#1:_rate.call(x).exp()|} + _scale.call(x).clamp_max(10).exp();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output overflows to inf above about 11.1 in float16; clamp the exponent with clamp_max(10.0)"),
            Verify.Diagnostic().WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output overflows to inf above about 11.1 in float16; clamp the exponent with clamp_max(10.0)"));
    }

    [Fact]
    public Task A_head_clamped_in_the_forward_or_at_the_call_or_unknown_is_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            sealed class Encoder : nn.Module<Tensor, (Tensor, Tensor)>
            {
                private readonly Linear mu = nn.Linear(8, 2);
                private readonly Linear logvar = nn.Linear(8, 2);
                public Encoder() : base(nameof(Encoder)) => RegisterComponents();
                public override (Tensor, Tensor) forward(Tensor x) => (mu.call(x), logvar.call(x).clamp(-30, 20));
            }

            sealed class Vae
            {
                private readonly Encoder _encoder = new();
                private readonly Linear _head = nn.Linear(8, 4);

                private static Tensor Reparametrize(Tensor mu, Tensor logvar) => mu + torch.randn_like(logvar) * torch.exp(0.5 * logvar);

                public Tensor A(Tensor x)
                {
                    var (mu, logvar) = _encoder.call(x);
                    return Reparametrize(mu, logvar) + mu.clamp_max(1).exp();
                }

                // The other head is clamped; the head is written again; the tuple comes from a method nothing is known of.
                public Tensor B(Tensor x)
                {
                    var (mu, logvar) = (_head.call(x).clamp_max(10), x);
                    logvar = _head.call(x);
                    return mu.exp() + torch.exp(x);
                }

                public Tensor D(Tensor x, System.Func<Tensor, (Tensor, Tensor)> encode)
                {
                    var (mu, logvar) = encode(x);
                    return torch.exp(logvar);
                }
            }
            """);

    [Fact]
    public async Task A_layer_output_a_call_passes_to_a_public_method_is_flagged_at_its_exp()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            public sealed class Head : nn.Module<Tensor, Tensor>
            {
                private readonly Conv2d pred = nn.Conv2d(8, 4, 1);
                public Head() : base(nameof(Head)) => RegisterComponents();
                public override Tensor {|#2:forward|}(Tensor x) => pred.call(x);
            }

            public static class Boxes
            {
                public static Tensor Decode(Tensor anchors, Tensor deltas)
                {
                    var dw = deltas[TensorIndex.Colon, 2];
                    return anchors * {|#0:torch.exp(dw)|};
                }

                public static Tensor Proposals(Head head, Tensor features, Tensor anchors) =>
                    Decode(anchors, {|#1:head.call(features).permute(0, 2, 3, 1).reshape(-1, 4)|});
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithLocation(2).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output (passed for deltas by Boxes.Proposals, the output of Head.forward) overflows to inf above about 88.7 in float32; clamp the exponent with clamp_max(20.0)"));
    }

    [Fact]
    public Task A_layer_output_a_call_passes_to_a_forward_that_rewrites_it_is_flagged_at_its_exp() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            public sealed class Gaussian : nn.Module<Tensor, Tensor>
            {
                public Gaussian() : base(nameof(Gaussian)) { }

                public override Tensor forward(Tensor h)
                {
                    h = h.view(-1, 2, h.shape[1] / 2);
                    h = h.select(1, 1);
                    return {|#0:h.exp()|};
                }
            }

            // The same forward, its input bounded by a write on the way, or passed a clamped output.
            public sealed class Bounded : nn.Module<Tensor, Tensor>
            {
                public Bounded() : base(nameof(Bounded)) { }

                public override Tensor forward(Tensor h)
                {
                    h = h.view(-1, 2, h.shape[1] / 2);
                    h = 3 * h.tanh();
                    return h.exp();
                }
            }

            public static class Model
            {
                public static Tensor Scale(Linear head, Gaussian gaussian, Bounded bounded, Tensor x) =>
                    gaussian.call({|#1:head.call(x)|}) + bounded.call(head.call(x)) + gaussian.call(head.call(x).clamp_max(10));
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output (passed for h by Model.Scale) overflows to inf above about 88.7 in float32; clamp the exponent with clamp_max(20.0)"));

    [Fact]
    public Task The_calls_of_a_public_method_are_found_where_its_name_is_written_as_a_call() =>
        // The name is also in a comment, a string, a longer name, a nameof and the declaration, none of them a call;
        // the call itself spells it verbatim.
        Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            public static class Boxes
            {
                // Decode(deltas) takes the deltas a head predicts.
                public static Tensor Decode(Tensor deltas) => {|#0:torch.exp(deltas)|};
                public static Tensor DecodeAll(Tensor d) => d;
                public static string Name() => nameof(Decode) + "Decode(";
                public static Tensor Use(Linear head, Tensor x) => DecodeAll(x) + Boxes.@Decode({|#1:head.call(x)|});
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("exp of an unbounded layer output (passed for deltas by Boxes.Use) overflows to inf above about 88.7 in float32; clamp the exponent with clamp_max(20.0)"));

    [Fact]
    public Task A_public_parameter_no_call_passes_an_unbounded_output_is_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using TorchSharp.Modules;

            public static class Boxes
            {
                // Clamped in the method, passed a clamped output or a value nothing is known of, or never called.
                public static Tensor Decode(Tensor deltas) => torch.exp(deltas.clamp(max: 4.135));
                public static Tensor Scale(Tensor logScale) => torch.exp(logScale);
                public static Tensor Unused(Tensor d) => torch.exp(d);
                // A value computed from the parameter by more than selections and scaling (erf is in [-1, 1]).
                public static Tensor Soft(Tensor d) => torch.exp(d.erf());
                public static Tensor Use(Linear head, Tensor x) =>
                    Decode(head.call(x)) + Scale(head.call(x).clamp_max(10)) + Scale(x) + Soft(head.call(x));
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
                    public sealed class Tensor { public Tensor exp() => this; }
                    public static Tensor linear(Tensor x, Tensor w) => x;
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => TorchSharp.torch.linear(x, x).exp();
            }
            """;
        test.TestCode = source;
        test.FixedCode = source;
        await test.RunAsync();
    }
}
