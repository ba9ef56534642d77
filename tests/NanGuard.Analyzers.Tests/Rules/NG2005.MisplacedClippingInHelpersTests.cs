using System.Threading.Tasks;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.MisplacedClippingAnalyzer,
    NanGuard.CodeFixes.Rules.MisplacedClippingCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

/// <summary>
/// NG2005 where the loop's backward() is in a method of the user's own it calls: the call stands for the backward(),
/// so a clip after the step is still misplaced, and a method that back-propagates and then clips clips in place.
/// </summary>
public sealed class MisplacedClippingInHelpersTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    private static string Program(string body, string helper) => Usings + $$"""
        class Program
        {
            static void Main(Linear model, Tensor x, Tensor y)
            {
                var optimizer = torch.optim.Adam(model.parameters(), lr: 0.001);
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
        {{body}}
                }
            }

            {{helper}}
        }
        """;

    [Fact]
    public Task Clip_after_the_step_is_moved_before_it() =>
        Verify.VerifyCodeFixAsync(
            Program("""
                        Backpropagate(F.mse_loss(model.call(x), y));
                        optimizer.step();
                        [|torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)|];
            """, "static void Backpropagate(Tensor loss) => loss.backward();"),
            Program("""
                        Backpropagate(F.mse_loss(model.call(x), y));
                        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                        optimizer.step();
            """, "static void Backpropagate(Tensor loss) => loss.backward();"));

    [Fact]
    public Task Method_that_back_propagates_then_clips_clips_in_place() =>
        Verify.VerifyAnalyzerAsync(Program("""
                        Backpropagate(model, F.mse_loss(model.call(x), y));
                        optimizer.step();
            """, """
            static void Backpropagate(Linear model, Tensor loss)
                {
                    loss.backward();
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                }
            """));
}
