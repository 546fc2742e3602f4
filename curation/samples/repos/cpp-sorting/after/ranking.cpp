#include <algorithm>
#include <string>
#include <vector>

struct Player { std::string name; int score; };

std::vector<Player> top(std::vector<Player> players, size_t k) {
    const size_t count = std::min(k, players.size());
    std::partial_sort(players.begin(), players.begin() + count, players.end(),
                      [](const Player& a, const Player& b) { return a.score > b.score; });
    players.resize(count);
    return players;
}
