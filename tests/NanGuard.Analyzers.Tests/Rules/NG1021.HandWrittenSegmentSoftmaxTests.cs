using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.AnalyzerVerifier<NanGuard.Analyzers.Rules.HandWrittenSegmentSoftmaxAnalyzer>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class HandWrittenSegmentSoftmaxTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Exp_over_its_scatter_sum_is_flagged_in_each_form() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor index, long n)
                {
                    var ex = [|torch.exp(x)|];
                    var sums = torch.zeros(n).index_add(0, index, ex, 1);
                    return ex / sums[index];
                }
                Tensor B(Tensor x, Tensor index)
                {
                    var ex = [|x.exp()|];
                    var sums = torch.zeros_like(x).scatter_add(0, index, ex);
                    return ex.div(sums.gather(0, index));
                }
                Tensor D(Tensor x, Tensor index)
                {
                    var ex = [|exp(x)|];
                    var sums = scatter_add(zeros(8), 0, index, ex);
                    return ex / (sums.index_select(0, index) + 1e-16);
                }
                Tensor E(Tensor x, Tensor index, long n)
                {
                    var ex = [|TorchSharp.torch.exp(x)|];
                    return ex.divide(TorchSharp.torch.zeros(n).index_add(0, index, ex, 1).index_select(0, index));
                }
                System.Func<Tensor, Tensor, Tensor> G(long n) => (x, index) =>
                {
                    var ex = [|x.exp()|];
                    return ex / torch.zeros(n).index_add(0, index, ex, 1)[index];
                };
                Tensor H(Tensor x, Tensor index, long n)
                {
                    Tensor Sums(Tensor ex) => torch.zeros(n).index_add(0, index, ex, 1);
                    var ex = [|x.exp()|];
                    return ex / Sums(ex)[index];
                }
            }
            """);

    [Fact]
    public async Task Reported_at_the_division_when_the_exp_is_in_another_member()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                private static Tensor {|#3:Scores|}(Tensor x) => {|#1:x.exp()|};
                Tensor M(Tensor x, Tensor index, long n)
                {
                    var ex = Scores(x);
                    var sums = {|#2:torch.zeros(n).index_add(0, index, ex, 1)|};
                    return {|#0:ex / sums[index]|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithLocation(2).WithLocation(3).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("exp of unshifted logits divided by their index_add per segment: a logit above about 88.72 makes exp inf in float32 and the quotient inf / inf = NaN; subtract each segment's maximum before the exp"));
    }

    [Fact]
    public async Task Reported_at_the_exp_with_the_division_and_the_scatter()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Attention : nn.Module<Tensor, Tensor>
            {
                private readonly Tensor index = torch.zeros(4, ScalarType.Int64);
                public Attention() : base(nameof(Attention)) { }
                public override Tensor forward(Tensor scores)
                {
                    var ex = {|#0:scores.half().exp()|};
                    var sums = {|#2:torch.zeros(1, ScalarType.Float16).index_add(0, index, ex, 1)|};
                    return {|#1:ex / sums[index]|};
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithLocation(2).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("exp of unshifted logits divided by their index_add per segment: a logit above about 11.09 makes exp inf in float16 and the quotient inf / inf = NaN; subtract each segment's maximum before the exp"));
    }

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor index, Tensor max, long n)
                {
                    var ex = torch.exp(x - max[index]);
                    var sums = torch.zeros(n).index_add(0, index, ex, 1);
                    return ex / sums[index];
                }
                Tensor B(Tensor x, Tensor index, long n)
                {
                    var ex = torch.exp(x.clamp_max(80));
                    var sums = torch.zeros(n).index_add(0, index, ex, 1);
                    return ex / sums[index];
                }
                Tensor D(Tensor x, Tensor y, Tensor index, long n)
                {
                    var sums = torch.zeros(n).index_add(0, index, y.exp(), 1);
                    return x.exp() / sums[index];
                }
                Tensor E(Tensor x, Tensor index, long n)
                {
                    var r = x.relu();
                    var sums = torch.zeros(n).index_add(0, index, r, 1);
                    return r / sums[index];
                }
                Tensor G(Tensor x, Tensor index, Tensor totals)
                {
                    var ex = torch.exp(x);
                    return ex / totals.index_add(0, index, ex, 1)[index];
                }
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        test.TestCode = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public static Tensor zeros(long n) => new Tensor();
                    public sealed class Tensor
                    {
                        public Tensor exp() => this; public Tensor index_add(long d, Tensor i, Tensor s, double a) => this;
                        public Tensor this[Tensor i] => this;
                        public static Tensor operator /(Tensor a, Tensor b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor i)
                {
                    var ex = x.exp();
                    return ex / TorchSharp.torch.zeros(3).index_add(0, i, ex, 1)[i];
                }
            }
            """;
        await test.RunAsync();
    }
}
