using System.Threading.Tasks;
using Xunit;
using CrossEntropy = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.HandWrittenCrossEntropyAnalyzer,
    NanGuard.CodeFixes.Rules.HandWrittenCrossEntropyCodeFix>;
using LogSoftmax = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.LogOfSoftmaxAnalyzer,
    NanGuard.CodeFixes.Rules.LogOfSoftmaxCodeFix>;

namespace NanGuard.Analyzers.Tests.Infrastructure;

/// <summary>
/// A fix leaves no local it made unread behind: the declaration of a tensor nobody reads any more goes with the
/// rewrite, singly and in fix-all (the framework runs both on every test here), where its initializer is a
/// TorchSharp computation with no side effect; a local still read stays.
/// </summary>
public sealed class DeadLocalsTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task The_one_hot_targets_and_the_probabilities_go_with_the_hand_written_loss() =>
        CrossEntropy.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels)
                {
                    var logits = model.call(images);
                    var targets = F.one_hot(labels, 10);
                    var probabilities = F.softmax(logits, 1);
                    var loss = [|-(targets * torch.log(probabilities)).sum(1).mean()|];
                    return loss;
                }
            }
            """, Usings + """
            class C
            {
                Tensor Loss(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels)
                {
                    var logits = model.call(images);
                    var loss = F.cross_entropy(logits, labels);
                    return loss;
                }
            }
            """);

    [Fact]
    public Task Probabilities_still_read_elsewhere_stay() =>
        CrossEntropy.VerifyCodeFixAsync(Usings + """
            class C
            {
                (Tensor, Tensor) LossAndGuess(Tensor logits, Tensor labels)
                {
                    var targets = F.one_hot(labels, 10);
                    var probabilities = F.softmax(logits, 1);
                    var loss = [|-(targets * torch.log(probabilities)).sum(1).mean()|];
                    return (loss, probabilities.argmax(1));
                }
            }
            """, Usings + """
            class C
            {
                (Tensor, Tensor) LossAndGuess(Tensor logits, Tensor labels)
                {
                    var probabilities = F.softmax(logits, 1);
                    var loss = F.cross_entropy(logits, labels);
                    return (loss, probabilities.argmax(1));
                }
            }
            """);

    [Fact]
    public Task A_local_computed_by_a_method_of_the_users_stays_unread() =>
        LogSoftmax.VerifyCodeFixAsync(Usings + """
            class C
            {
                static Tensor Probabilities(Tensor logits) => F.softmax(logits, 1);

                Tensor LogLikelihood(Tensor logits)
                {
                    var p = F.softmax(logits, 1);
                    var seen = Probabilities(p);
                    return [|torch.log(p)|];
                }
            }
            """, Usings + """
            class C
            {
                static Tensor Probabilities(Tensor logits) => F.softmax(logits, 1);

                Tensor LogLikelihood(Tensor logits)
                {
                    var p = F.softmax(logits, 1);
                    var seen = Probabilities(p);
                    return F.log_softmax(logits, 1);
                }
            }
            """);

    [Fact]
    public Task A_local_two_fixes_stop_reading_goes_in_fix_all_too() =>
        LogSoftmax.VerifyCodeFixAsync(Usings + """
            class C
            {
                (Tensor, Tensor) Both(Tensor logits)
                {
                    var p = F.softmax(logits, 1);
                    var a = [|torch.log(p)|];
                    var b = [|p.log()|];
                    return (a, b);
                }
            }
            """, Usings + """
            class C
            {
                (Tensor, Tensor) Both(Tensor logits)
                {
                    var a = F.log_softmax(logits, 1);
                    var b = F.log_softmax(logits, 1);
                    return (a, b);
                }
            }
            """);
}
