using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.VanishingEpsilonAnalyzer,
    NanGuard.CodeFixes.Rules.VanishingEpsilonCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class VanishingEpsilonTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task One_minus_a_tiny_epsilon_is_one_in_float32() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                const double Eps = 1e-8;
                Tensor A(Tensor p) => torch.log(1 - p.clamp(1e-8, [|1 - 1e-8|]));
                Tensor B(Tensor p) => torch.clamp(p, min: 1e-7f, max: [|1f - 1e-8f|]);
                Tensor D(Tensor p) => p.clamp_max([|0.99999999|]);
                Tensor E(Tensor p) => ([|1 + 1e-10|]) - p;
                Tensor G(Tensor c) => torch.acos(c.clamp([|-1 + Eps|], [|1 - Eps|]));
            }
            """, Usings + """
            class C
            {
                const double Eps = 1e-8;
                Tensor A(Tensor p) => torch.log(1 - p.clamp(1e-8, 1 - 1e-7));
                Tensor B(Tensor p) => torch.clamp(p, min: 1e-7f, max: 1f - 1e-7f);
                Tensor D(Tensor p) => p.clamp_max(1.0 - 1e-7);
                Tensor E(Tensor p) => (1 + 1e-7) - p;
                Tensor G(Tensor c) => torch.acos(c.clamp(-1 + 1e-7, 1 - 1e-7));
            }
            """);

    [Fact]
    public Task A_tiny_epsilon_is_zero_in_float16() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor p) => torch.log(p.half() + [|1e-8|]);
                Tensor B(Tensor x)
                {
                    var h = x.to(ScalarType.Float16);
                    return torch.log(h.clamp_min([|1e-8|]));
                }
                Tensor D(Tensor p) => p.half().clamp(1e-3, [|1 - 1e-4|]);
                Tensor E(Tensor p) => p.half().add([|1e-9|]);
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor p) => torch.log(p.half() + 1e-4);
                Tensor B(Tensor x)
                {
                    var h = x.to(ScalarType.Float16);
                    return torch.log(h.clamp_min(1e-4));
                }
                Tensor D(Tensor p) => p.half().clamp(1e-3, 1 - 1e-3);
                Tensor E(Tensor p) => p.half().add(1e-4);
            }
            """);

    [Fact]
    public async Task Reported_as_a_warning_with_the_rounding_it_shows()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) { }
                public override Tensor forward(Tensor p) => torch.log(p.clamp(1e-8, {|#0:1 - 1e-8|}));
            }
            class C
            {
                System.Func<Tensor, Tensor> f = p => p.half() + {|#1:1e-8|};
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("1 - 1e-8 is 1 in float32: the epsilon 1e-8 vanishes next to 1; use 1e-7"),
            Verify.Diagnostic().WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("1e-8 is 0 in float16: the epsilon 1e-8 vanishes next to 0; use 1e-4"));
    }

    // A decoder whose result is computed from z alone, with a sigmoid a flag turns off.
    private const string Decoder = """
        sealed class Decoder
        {
            public Tensor Forward(Tensor z, Tensor edges, bool sigmoid = true)
            {
                var value = (z.index_select(0, edges[0]) * z.index_select(0, edges[1])).sum(1);
                return sigmoid ? torch.sigmoid(value) : value;
            }
        }

        """;

    [Fact]
    public Task A_helper_computes_in_the_dtype_of_the_tensor_a_call_passes() =>
        Verify.VerifyCodeFixAsync(Usings + Decoder + """
            sealed class Gae
            {
                private readonly Decoder _decoder = new();
                Tensor A(Tensor z, Tensor edges) => -torch.log(_decoder.Forward(z.half(), edges) + [|1e-15|]).mean();
                Tensor B(Tensor z, Tensor edges) => _decoder.Forward(z.to(ScalarType.Float16), edges, sigmoid: false) + [|1e-8|];
                static Tensor Score(Tensor z) => torch.sigmoid(z.sum(1));
                Tensor D(Tensor z) => Score(z.half()) + [|1e-8|];
            }
            """, Usings + Decoder + """
            sealed class Gae
            {
                private readonly Decoder _decoder = new();
                Tensor A(Tensor z, Tensor edges) => -torch.log(_decoder.Forward(z.half(), edges) + 1e-4).mean();
                Tensor B(Tensor z, Tensor edges) => _decoder.Forward(z.to(ScalarType.Float16), edges, sigmoid: false) + 1e-4;
                static Tensor Score(Tensor z) => torch.sigmoid(z.sum(1));
                Tensor D(Tensor z) => Score(z.half()) + 1e-4;
            }
            """);

    [Fact]
    public Task A_helper_that_casts_or_mixes_tensors_does_not_pass_the_dtype_on() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            static class Helpers
            {
                public static Tensor Same(Tensor z) => torch.sigmoid(z.sum(1));
                public static Tensor Cast(Tensor z) => torch.sigmoid(z.@float().sum(1));
                public static Tensor Mixed(Tensor z, Tensor w) => torch.sigmoid(z.matmul(w));
                public static Tensor Field(Tensor z) => torch.sigmoid(z * Scale);
                static readonly Tensor Scale = torch.ones(4);
                // A float32 argument keeps 1e-15; a cast inside, another tensor or a field may set another dtype.
                public static Tensor Use(Tensor z, Tensor w) =>
                    Same(z) + 1e-15 + Cast(z.half()) + 1e-15 + Mixed(z.half(), w) + 1e-15 + Field(z.half()) + 1e-15;
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor p) => p.clamp(1e-7, 1 - 1e-7);
                Tensor B(Tensor x) => torch.log(x + 1e-8);
                Tensor D(Tensor p) => p.@double().clamp(1e-8, 1 - 1e-8);
                Tensor E(Tensor x) => x.half() + 1e-3;
                Tensor G(Tensor x) => (x + 1) - 0.5;
                Tensor H(Tensor x) => x.clamp(0, 1);
                Tensor I(Tensor x, Tensor y) => x.add(y, alpha: 1e-10);
                Tensor J(Tensor x) => x.bfloat16() + 1e-8;
                Tensor K(Tensor p) => p.half().clamp(1e-3, 1 - 1e-3);
                double L() => 1 - 1e-8;
            }
            """);

    [Fact]
    public Task Adams_eps_on_parameters_the_code_converts_to_float16() =>
        Verify.VerifyCodeFixAsync(Usings + """
            using TorchSharp.Modules;
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(4, 1);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            static class C
            {
                public static optim.Optimizer A(nn.Module<Tensor, Tensor> model, double lr)
                {
                    model.half();
                    return [|torch.optim.Adam(model.parameters(), lr: lr)|];
                }
                public static optim.Optimizer B()
                {
                    var model = new Net().half();
                    return [|torch.optim.AdamW(model.parameters())|];
                }
                public static optim.Optimizer D(Net model)
                {
                    model.to(ScalarType.Float16);
                    return torch.optim.Adam(model.parameters(), 1e-3, 0.9, 0.999, [|1e-8|]);
                }
                public static optim.Optimizer E(Net model)
                {
                    model.to(torch.float16);
                    return torch.optim.Adam(model.named_parameters(), eps: [|1e-10|], lr: 1e-4);
                }
            }
            """, Usings + """
            using TorchSharp.Modules;
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(4, 1);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => fc.call(x);
            }
            static class C
            {
                public static optim.Optimizer A(nn.Module<Tensor, Tensor> model, double lr)
                {
                    model.half();
                    return torch.optim.Adam(model.parameters(), lr: lr, eps: 1e-4);
                }
                public static optim.Optimizer B()
                {
                    var model = new Net().half();
                    return torch.optim.AdamW(model.parameters(), eps: 1e-4);
                }
                public static optim.Optimizer D(Net model)
                {
                    model.to(ScalarType.Float16);
                    return torch.optim.Adam(model.parameters(), 1e-3, 0.9, 0.999, 1e-4);
                }
                public static optim.Optimizer E(Net model)
                {
                    model.to(torch.float16);
                    return torch.optim.Adam(model.named_parameters(), eps: 1e-4, lr: 1e-4);
                }
            }
            """);

    [Fact]
    public Task Adams_eps_message_names_the_default_and_the_parameters_dtype() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            static class C
            {
                public static optim.Optimizer A(nn.Module<Tensor, Tensor> model)
                {
                    model.half();
                    return {|#0:torch.optim.Adam(model.parameters())|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning)
                .WithMessage("Adam's default eps (1e-8) is 0 in float16 (the dtype of the parameters it updates): the epsilon 1e-8 vanishes next to 0; use eps: 1e-4"));

    [Fact]
    public Task Adams_eps_is_not_flagged_without_evidence_of_float16_parameters() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            static class C
            {
                // float32 parameters, or nothing known of their dtype: 1e-8 is held.
                public static optim.Optimizer A(nn.Module<Tensor, Tensor> model) => torch.optim.Adam(model.parameters());
                // An eps float16 holds (1e-4 is above its smallest normal).
                public static optim.Optimizer B(nn.Module<Tensor, Tensor> model)
                {
                    model.half();
                    return torch.optim.Adam(model.parameters(), eps: 1e-4);
                }
                // Converted after the optimizer is built, converted back, or converted to bfloat16 (which holds 1e-8).
                public static optim.Optimizer D(nn.Module<Tensor, Tensor> model)
                {
                    var optimizer = torch.optim.Adam(model.parameters());
                    model.half();
                    return optimizer;
                }
                public static optim.Optimizer E(nn.Module<Tensor, Tensor> model)
                {
                    model.half();
                    model.@float();
                    return torch.optim.Adam(model.parameters());
                }
                public static optim.Optimizer G(nn.Module<Tensor, Tensor> model)
                {
                    model.bfloat16();
                    return torch.optim.AdamW(model.parameters());
                }
                // A conversion in a branch that may not run, or of another module; a move to a device.
                public static optim.Optimizer H(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor> other, bool half)
                {
                    if (half)
                        model.half();
                    other.half();
                    model.to(DeviceType.CPU);
                    return torch.optim.Adam(model.parameters());
                }
                // A parameter assigned again after its conversion.
                public static optim.Optimizer I(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor> other)
                {
                    model.half();
                    model = other;
                    return torch.optim.Adam(model.parameters());
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
                    public sealed class Tensor
                    {
                        public Tensor clamp(double min, double max) => this;
                        public static Tensor operator +(Tensor a, double b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor p) => p.clamp(1e-8, 1 - 1e-8) + 1e-10;
            }
            """;
        test.TestCode = source;
        test.FixedCode = source;
        await test.RunAsync();
    }
}
