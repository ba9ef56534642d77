using System.Threading.Tasks;
using Xunit;
using LogOfSoftmax = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.LogOfSoftmaxAnalyzer,
    NanGuard.CodeFixes.Rules.LogOfSoftmaxCodeFix>;
using LogOfSigmoid = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.LogOfSigmoidAnalyzer,
    NanGuard.CodeFixes.Rules.LogOfSigmoidCodeFix>;
using LogOfZeroable = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.LogOfZeroableAnalyzer,
    NanGuard.CodeFixes.Rules.LogOfZeroableCodeFix>;
using ZeroableSum = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.DivisionByZeroableSumAnalyzer,
    NanGuard.CodeFixes.Rules.DivisionByZeroableSumCodeFix>;
using Standardization = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.StandardizationWithoutEpsAnalyzer,
    NanGuard.CodeFixes.Rules.StandardizationWithoutEpsCodeFix>;
using DivisionByNorm = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.DivisionByNormAnalyzer,
    NanGuard.CodeFixes.Rules.DivisionByNormCodeFix>;
using SqrtOfSumOfSquares = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.SqrtOfSumOfSquaresAnalyzer,
    NanGuard.CodeFixes.Rules.SqrtOfSumOfSquaresCodeFix>;
using XLogY = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.XLogYAnalyzer,
    NanGuard.CodeFixes.Rules.XLogYCodeFix>;

namespace NanGuard.Analyzers.Tests.Numerics;

/// <summary>
/// The value-facts engine seen through the rules that ask it: values that come from another member, through ops that
/// keep them, guarded at a distance, and unknown values that stay silent.
/// </summary>
public sealed class ValueFactsTests
{
    private const string Usings = """
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Softmax_returned_by_a_helper_is_reported_at_the_log_with_the_helper_named_and_no_fix()
    {
        var source = Usings + """
            class Policy
            {
                Tensor {|#1:Probabilities|}(Tensor state) => F.softmax(state * 2, 1);

                Tensor Loss(Tensor state) => -{|#0:torch.log(Probabilities(state))|}.mean();
            }
            """;
        return LogOfSoftmax.VerifyAnalyzerAsync(source, LogOfSoftmax.Diagnostic().WithLocation(0).WithLocation(1)
            .WithMessage("log of a softmax gives -inf where a probability underflows to 0; use log_softmax in place of the softmax (returned by Policy.Probabilities)"));
    }

    [Fact]
    public Task Softmax_held_in_a_property_a_field_or_a_private_parameter_is_reported() =>
        LogOfSoftmax.VerifyNoFixAsync(Usings + """
            class Agent
            {
                private Tensor probs;
                Tensor Probs => F.softmax(probs, 1);

                Agent(Tensor logits) { probs = F.softmax(logits, 1); }

                Tensor A() => [|probs.log()|];
                Tensor B() => [|torch.log(Probs)|];
                private Tensor Nll(Tensor p) => -[|torch.log(p)|].mean();
                Tensor C(Tensor x) => Nll(F.softmax(x, 1));
            }
            """);

    [Fact]
    public Task A_parameter_written_again_has_the_values_of_the_writes_that_reach_the_read() =>
        LogOfSoftmax.VerifyAnalyzerAsync(Usings + """
            class Agent
            {
                Tensor A(Tensor x)
                {
                    x = F.softmax(x, 1);
                    return -[|torch.log(x)|].mean();
                }
                // The value passed reaches the read too: what every caller of a private method passes.
                private Tensor Nll(Tensor p, bool flat)
                {
                    if (flat)
                        p = p.flatten();
                    return -[|torch.log(p)|].mean();
                }
                Tensor B(Tensor x) => Nll(F.softmax(x, 1), true);
                // On one path the public method's argument, of which nothing is known: nothing is known of the join.
                public Tensor D(Tensor x, bool normalise)
                {
                    if (normalise)
                        x = F.softmax(x, 1);
                    return torch.log(x);
                }
                // Written again with a log-softmax: no log of a probability left.
                Tensor E(Tensor x)
                {
                    x = F.softmax(x, 1);
                    x = F.log_softmax(x, 1);
                    return x.mean();
                }
            }
            """);

    [Fact]
    public Task A_call_that_passes_a_constant_flag_takes_its_branch_of_the_helpers_return() =>
        LogOfSigmoid.VerifyNoFixAsync(Usings + """
            static class Heads
            {
                public static Tensor Score(Tensor h, Tensor w, bool probability = true)
                {
                    var logit = h.matmul(w).squeeze(-1);
                    return probability ? logit.sigmoid() : logit;
                }
            }
            class Critic
            {
                Tensor A(Tensor h, Tensor w) => [|Heads.Score(h, w, probability: true).log()|];
                Tensor B(Tensor h, Tensor w) => [|torch.log(Heads.Score(h, w))|].sum();
                // The other branch, or a flag the call does not fix: nothing is known.
                Tensor D(Tensor h, Tensor w) => Heads.Score(h, w, probability: false).log();
                Tensor E(Tensor h, Tensor w, bool p) => torch.log(Heads.Score(h, w, p));
            }
            """);

    [Fact]
    public Task Softmax_returned_by_a_modules_forward_is_reported_where_another_class_logs_it() =>
        LogOfSoftmax.VerifyNoFixAsync(Usings + """
            sealed class Classifier : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(4, 3);
                public Classifier() : base("c") => RegisterComponents();
                public override Tensor forward(Tensor x) => F.softmax(fc.call(x), 1);
            }

            class Trainer
            {
                private readonly Classifier model = new Classifier();
                Tensor Loss(Tensor x, Tensor y) => -(y * [|model.call(x).log()|]).sum();
            }
            """);

    [Fact]
    public Task A_sequential_ending_in_sigmoid_and_a_probability_passed_through_shape_ops_are_reported() =>
        LogOfSigmoid.VerifyNoFixAsync(Usings + """
            class Gan
            {
                private readonly Sequential discriminator = nn.Sequential(("fc", nn.Linear(4, 1)), ("out", nn.Sigmoid()));

                Tensor A(Tensor x) => -[|torch.log(discriminator.call(x))|].mean();
                Tensor B(Tensor x, Tensor y) => [|torch.sigmoid(x).expand_as(y).log()|];
            }
            """);

    [Fact]
    public Task Unknown_values_stay_silent() =>
        LogOfSoftmax.VerifyNoFixAsync(Usings + """
            class C
            {
                public Tensor A(Tensor p) => torch.log(p);
                Tensor B(Tensor x) => torch.log(Load(x));
                public virtual Tensor Probabilities(Tensor x) => F.softmax(x, 1);
                Tensor D(Tensor x) => torch.log(Probabilities(x));
                static Tensor Load(Tensor x) => torch.randn(3, 4);
            }
            """);

    [Fact]
    public Task A_softmax_clamped_or_shifted_by_an_epsilon_float32_keeps_is_not_reported() =>
        LogOfSoftmax.VerifyNoFixAsync(Usings + """
            class C
            {
                private Tensor Probabilities(Tensor x) => F.softmax(x, 1);
                Tensor A(Tensor x) => torch.log(Probabilities(x).clamp_min(1e-8));
                Tensor B(Tensor x) => torch.log(Probabilities(x) + 1e-10);
                Tensor D(Tensor x)
                {
                    var p = Probabilities(x);
                    p = p.clamp(1e-6, 1.0);
                    return p.log();
                }
            }
            """);

    [Fact]
    public Task A_clamp_on_an_earlier_line_guards_the_complement() =>
        LogOfZeroable.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor logits)
                {
                    var p = torch.sigmoid(logits);
                    p = p.clamp(1e-4, 1 - 1e-4);
                    return torch.log(1 - p);
                }
            }
            """);

    [Fact]
    public Task An_epsilon_float16_rounds_away_guards_nothing() =>
        LogOfZeroable.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor Safe(Tensor x) => torch.log(1 - torch.sigmoid(x) + 1e-6);
                Tensor Half(Tensor x) => {|NG1014:torch.log(1 - torch.sigmoid(x.half()) + 1e-8)|};
            }
            """);

    [Fact]
    public Task A_division_by_a_mask_sum_guarded_at_the_only_call_site_is_not_reported() =>
        ZeroableSum.VerifyNoFixAsync(Usings + """
            class C
            {
                private static Tensor MaskedMean(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum();

                Tensor Loss(Tensor x, Tensor mask)
                {
                    if (mask.sum().item<float>() > 0)
                        return MaskedMean(x, mask);
                    return x.sum() * 0;
                }
            }
            """);

    [Fact]
    public Task A_division_by_a_mask_sum_whose_caller_does_not_guard_it_is_reported() =>
        ZeroableSum.VerifyCodeFixAsync(Usings + """
            class C
            {
                private static Tensor MaskedMean(Tensor x, Tensor valid) => [|(x * valid).sum() / valid.sum()|];

                Tensor Loss(Tensor x, Tensor lengths) => MaskedMean(x, lengths > 0);
            }
            """, Usings + """
            class C
            {
                private static Tensor MaskedMean(Tensor x, Tensor valid) => (x * valid).sum() / valid.sum().clamp_min(1);

                Tensor Loss(Tensor x, Tensor lengths) => MaskedMean(x, lengths > 0);
            }
            """);

    [Fact]
    public Task Standardisation_into_the_same_variable_is_reported_and_a_branch_on_the_std_guards_it() =>
        Standardization.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x)
                {
                    x = [|(x - x.mean()) / x.std()|];
                    return x;
                }

                Tensor B(Tensor x)
                {
                    var std = x.std();
                    if (std.item<float>() == 0)
                        return x - x.mean();
                    else
                        return (x - x.mean()) / std;
                }
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x)
                {
                    x = (x - x.mean()) / (x.std() + 1e-8);
                    return x;
                }

                Tensor B(Tensor x)
                {
                    var std = x.std();
                    if (std.item<float>() == 0)
                        return x - x.mean();
                    else
                        return (x - x.mean()) / std;
                }
            }
            """);

    [Fact]
    public Task A_probability_from_another_members_average_reaches_xlogy() =>
        XLogY.VerifyCodeFixAsync(Usings + """
            class C
            {
                private Tensor Mixture(Tensor a, Tensor b) => (F.softmax(a, 1) + F.softmax(b, 1)) / 2;
                Tensor Entropy(Tensor a, Tensor b, Tensor y) => -([|y * torch.log(Mixture(a, b))|]).sum();
            }
            """, Usings + """
            class C
            {
                private Tensor Mixture(Tensor a, Tensor b) => (F.softmax(a, 1) + F.softmax(b, 1)) / 2;
                Tensor Entropy(Tensor a, Tensor b, Tensor y) => -(torch.xlogy(y, Mixture(a, b))).sum();
            }
            """);

    [Fact]
    public Task A_norm_whose_dim_is_put_back_by_unsqueeze_is_a_division_by_its_own_norm() =>
        DivisionByNorm.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x / x.norm(1).unsqueeze(1)|];
                Tensor D(Tensor x, Tensor y) => x / y.norm(1).unsqueeze(1);
                Tensor E(Tensor x) => x / x.norm(1).unsqueeze(1).clamp_min(1e-12);
                Tensor G(Tensor x) => x / x.norm(1).unsqueeze(0);
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => F.normalize(x, 2.0, 1);
                Tensor D(Tensor x, Tensor y) => x / y.norm(1).unsqueeze(1);
                Tensor E(Tensor x) => x / x.norm(1).unsqueeze(1).clamp_min(1e-12);
                Tensor G(Tensor x) => x / x.norm(1).unsqueeze(0);
            }
            """);

    [Fact]
    public Task A_root_of_torch_square_summed_becomes_a_norm() =>
        SqrtOfSumOfSquares.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor d) => [|torch.sqrt(torch.square(d).sum(1))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor d) => torch.linalg.vector_norm(d, dims: new long[] { 1 });
            }
            """);
}
